/**
 * `{{name}}` placeholders in prompt templates: plain variable names, optional spaces inside the braces. Anything
 * else between double braces (`{{item.x}}`, `{{}}`) is reported as malformed rather than passed through, so a typo
 * never reaches a model as literal braces.
 */
const ANY_PLACEHOLDER = /\{\{([^{}]*)\}\}/g;
const NAME = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*$/;

export interface PlaceholderScan {
  names: string[];
  malformed: string[];
}

export function scanPlaceholders(text: string): PlaceholderScan {
  const names: string[] = [];
  const malformed: string[] = [];
  for (const m of text.matchAll(ANY_PLACEHOLDER)) {
    const name = NAME.exec(m[1] ?? '')?.[1];
    if (name) {
      if (!names.includes(name)) names.push(name);
    } else malformed.push(m[0]);
  }
  return { names, malformed };
}

/** Replaces every placeholder; `lookup` decides (and throws) for unknown names. Values are inserted verbatim. */
export function substitute(text: string, lookup: (name: string) => string): string {
  return text.replace(ANY_PLACEHOLDER, (whole, inner: string) => {
    const name = NAME.exec(inner)?.[1];
    return name ? lookup(name) : whole;
  });
}
