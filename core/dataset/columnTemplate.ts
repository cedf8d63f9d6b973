/**
 * Renders a column-mapping template against a CSV row: `{{name}}` becomes that column's value. A template with no
 * `{{` that equals a header name is that column, so `user: ticket` needs no braces.
 * Returns the columns the template references that the header lacks, so a bad mapping fails once, up front.
 */
export function templateColumns(template: string, header: readonly string[]): { columns: string[]; missing: string[] } {
  const cols = template.includes('{{')
    ? [...template.matchAll(/\{\{\s*([^}]+?)\s*\}\}/g)].map((m) => m[1]!)
    : header.includes(template)
      ? [template]
      : [];
  return { columns: cols, missing: cols.filter((c) => !header.includes(c)) };
}

export function renderTemplate(template: string, row: Readonly<Record<string, string>>): string {
  if (!template.includes('{{')) return template in row ? row[template]! : template;
  return template.replace(/\{\{\s*([^}]+?)\s*\}\}/g, (_, name: string) => row[name] ?? '');
}
