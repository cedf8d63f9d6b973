import { boundaryLevelOf, type DocSection, type ParsedDocument } from '../documentTypes';

const ATX = /^ {0,3}(#{1,6})[ \t]+(.*?)[ \t#]*$/;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;

/**
 * Markdown sections by ATX headings (`#` … `######`), ignoring `#` lines inside fenced code. The text stays the
 * file itself. The chunk boundary is the shallowest heading level that occurs at least twice: a file with one
 * `# Title` and several `##` sections is split at its `##` sections, not treated as one.
 */
export function parseMarkdown(source: string, text: string): ParsedDocument {
  const sections: DocSection[] = [];
  const path: { level: number; title: string }[] = [];
  let fence: string | null = null;
  let offset = 0;
  let current: DocSection = { heading: [], level: 0, start: 0, end: 0 };
  for (const line of text.split('\n')) {
    const lineStart = offset;
    offset += line.length + 1;
    const f = FENCE.exec(line);
    if (f) {
      if (fence === null) fence = f[1]![0]!;
      else if (f[1]![0] === fence) fence = null;
      continue;
    }
    if (fence !== null) continue;
    const h = ATX.exec(line.replace(/\r$/, ''));
    if (!h) continue;
    const level = h[1]!.length;
    while (path.length && path[path.length - 1]!.level >= level) path.pop();
    path.push({ level, title: h[2]!.trim() });
    current.end = lineStart;
    if (current.end > current.start || current.level > 0) sections.push(current);
    current = { heading: path.map((p) => p.title), level, start: lineStart, end: 0 };
  }
  current.end = text.length;
  if (current.end > current.start || current.level > 0) sections.push(current);
  return { source, text, sections: sections.filter((s) => s.end > s.start), boundaryLevel: boundaryLevelOf(sections) };
}
