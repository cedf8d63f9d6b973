/**
 * The "JSON path like" paths OpenAI's grader templates use: `a.b`, `a[0].c`, `a["odd key"]`. Parsed once into
 * segments; lookups report whether the path exists, since a present `null` and a missing key differ.
 */
export type PathSegment = string | number;

export class PathSyntaxError extends Error {
  override name = 'PathSyntaxError';
}

export function parsePath(path: string): PathSegment[] {
  const out: PathSegment[] = [];
  let i = 0;
  const s = path.trim();
  const ident = /^[A-Za-z_$][\w$-]*/;
  while (i < s.length) {
    if (s[i] === '.') {
      if (i === 0) throw new PathSyntaxError(`path '${path}' starts with '.'`);
      i++;
    } else if (s[i] === '[') {
      const close = s.indexOf(']', i);
      if (close < 0) throw new PathSyntaxError(`unclosed '[' in path '${path}'`);
      const inner = s.slice(i + 1, close).trim();
      if (/^\d+$/.test(inner)) out.push(Number(inner));
      else if (/^(".*"|'.*')$/.test(inner)) out.push(inner.slice(1, -1));
      else throw new PathSyntaxError(`expected a number or a quoted key inside [] in path '${path}'`);
      i = close + 1;
      continue;
    }
    const m = ident.exec(s.slice(i));
    if (!m) throw new PathSyntaxError(`unexpected '${s[i]}' in path '${path}'`);
    out.push(m[0]);
    i += m[0].length;
  }
  if (out.length === 0) throw new PathSyntaxError('empty path');
  return out;
}

export interface Lookup {
  found: boolean;
  value?: unknown;
}

/**
 * Follows segments from a root. Going into a string that holds JSON parses it first: OpenAI's own examples read
 * `sample.output_tools[0].function.arguments.symbols`, where `arguments` is a JSON string (a recorded choice).
 */
export function lookupPath(root: unknown, segments: readonly PathSegment[]): Lookup {
  let node: unknown = root;
  for (const seg of segments) {
    if (typeof node === 'string') {
      try {
        node = JSON.parse(node);
      } catch {
        return { found: false };
      }
    }
    if (typeof seg === 'number') {
      if (!Array.isArray(node) || seg >= node.length) return { found: false };
      node = node[seg];
    } else {
      if (!node || typeof node !== 'object' || Array.isArray(node) || !Object.prototype.hasOwnProperty.call(node, seg))
        return { found: false };
      node = (node as Record<string, unknown>)[seg];
    }
  }
  return { found: true, value: node };
}
