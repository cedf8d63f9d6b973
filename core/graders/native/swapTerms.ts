/**
 * Swaps terms both ways at once (he↔she, John↔Aisha), whole words only, keeping the case pattern of each hit
 * (He → She, JOHN → AISHA). One pass over the text, so a swapped term is never swapped back.
 */
export function swapTerms(
  text: string,
  swaps: readonly { from: string; to: string }[],
): { text: string; swapped: number } {
  const map = new Map<string, string>();
  for (const s of swaps) {
    map.set(s.from.toLowerCase(), s.to);
    if (!map.has(s.to.toLowerCase())) map.set(s.to.toLowerCase(), s.from);
  }
  const terms = [...map.keys()].sort((a, b) => b.length - a.length).map(escape);
  if (terms.length === 0) return { text, swapped: 0 };
  const re = new RegExp(`(?<![\\p{L}\\p{N}_])(${terms.join('|')})(?![\\p{L}\\p{N}_])`, 'giu');
  let swapped = 0;
  const out = text.replace(re, (hit: string) => {
    const to = map.get(hit.toLowerCase());
    if (to === undefined) return hit;
    swapped++;
    return matchCase(hit, to);
  });
  return { text: out, swapped };
}

function matchCase(model: string, word: string): string {
  if (model === model.toUpperCase() && model !== model.toLowerCase() && model.length > 1) return word.toUpperCase();
  if (model[0] && model[0] === model[0].toUpperCase() && model[0] !== model[0].toLowerCase())
    return word[0]!.toUpperCase() + word.slice(1);
  return model === model.toLowerCase() ? word.toLowerCase() : word;
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
