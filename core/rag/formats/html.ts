import { boundaryLevelOf, type DocSection, type ParsedDocument } from '../documentTypes';

const BLOCK = new Set([
  'p',
  'div',
  'section',
  'article',
  'main',
  'header',
  'footer',
  'li',
  'ul',
  'ol',
  'table',
  'tr',
  'br',
  'hr',
  'pre',
  'blockquote',
  'dt',
  'dd',
  'nav',
  'aside',
  'title',
]);
const SKIP = new Set(['script', 'style', 'noscript', 'template', 'svg', 'head']);
const ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  mdash: '—',
  ndash: '–',
  hellip: '…',
  rsquo: '’',
  lsquo: '‘',
  rdquo: '”',
  ldquo: '“',
};

export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, e: string) => {
    if (e[0] === '#') {
      const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code < 0x110000 ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[e.toLowerCase()] ?? whole;
  });
}

/**
 * HTML to text with heading paths: `<h1>`–`<h6>` open sections (their text becomes a line of its own), block
 * elements end lines, scripts and styles are dropped, entities decoded. A tolerant scanner, not a DOM: documents
 * are read for their words, and a stray `<` is kept as text rather than rejected.
 */
export function parseHtml(source: string, html: string): ParsedDocument {
  let out = '';
  const sections: DocSection[] = [];
  const path: { level: number; title: string }[] = [];
  let current: DocSection = { heading: [], level: 0, start: 0, end: 0 };
  let skipping: string | null = null;
  let headingOpen: { level: number; start: number } | null = null;
  const newline = () => {
    out = out.replace(/[ \t]+$/, '');
    if (out.length && !out.endsWith('\n')) out += '\n';
  };
  const body = html.replace(/<!--[\s\S]*?-->/g, '').replace(/<!doctype[^>]*>/i, '');
  for (const m of body.matchAll(/<\/?([a-zA-Z][a-zA-Z0-9]*)\b[^>]*>|[^<]+|</g)) {
    const token = m[0];
    const tag = m[1]?.toLowerCase();
    if (skipping) {
      if (tag === skipping && token.startsWith('</')) skipping = null;
      continue;
    }
    if (!tag) {
      const text = decodeEntities(token).replace(/\s+/g, ' ');
      out += out.endsWith('\n') || out.length === 0 ? text.trimStart() : text;
      continue;
    }
    const closing = token.startsWith('</');
    if (!closing && SKIP.has(tag) && !token.endsWith('/>')) {
      skipping = tag;
      continue;
    }
    const h = /^h([1-6])$/.exec(tag);
    if (h && !closing) {
      newline();
      headingOpen = { level: Number(h[1]), start: out.length };
    } else if (h && closing && headingOpen) {
      const title = out.slice(headingOpen.start).trim();
      while (path.length && path[path.length - 1]!.level >= headingOpen.level) path.pop();
      path.push({ level: headingOpen.level, title });
      current.end = headingOpen.start;
      sections.push(current);
      current = { heading: path.map((p) => p.title), level: headingOpen.level, start: headingOpen.start, end: 0 };
      headingOpen = null;
      newline();
    } else if (BLOCK.has(tag)) newline();
  }
  out = out.replace(/\s+$/, '');
  current.end = out.length;
  sections.push(current);
  const kept = sections.filter((s) => out.slice(s.start, s.end).trim().length > 0);
  return { source, text: out, sections: kept, boundaryLevel: boundaryLevelOf(kept) };
}
