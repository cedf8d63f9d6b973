/**
 * A bounded memo for pure functions of strings. Prompts repeat across requests (the same system
 * prompt and label list for every ticket), so parsing labels and hashing label texts once per
 * distinct prompt, not once per request, is most of the hot path's saving.
 */
export function memoize<T>(fn: (key: string) => T, maxEntries = 4096): (key: string) => T {
  const cache = new Map<string, T>();
  return (key) => {
    const hit = cache.get(key);
    if (hit !== undefined) return hit;
    const value = fn(key);
    // Dropping everything when full is crude but O(1) and bounded; the hot entries return at once.
    if (cache.size >= maxEntries) cache.clear();
    cache.set(key, value);
    return value;
  };
}
