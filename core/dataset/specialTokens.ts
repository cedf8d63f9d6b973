const SPECIAL_TOKEN = /<\|[A-Za-z0-9_]{1,40}\|>/;

/**
 * The first special-token-looking text (`<|endoftext|>`, `<|im_start|>`) in `text`; the provider fails the whole job on
 * these.
 */
export function findSpecialToken(text: string): string | undefined {
  // indexOf first: the regex only runs on the rare text that could match.
  if (text.indexOf('<|') === -1) return undefined;
  return SPECIAL_TOKEN.exec(text)?.[0];
}
