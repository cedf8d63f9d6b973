/**
 * Reads the label set a prompt offers ("Answer with one of these labels: a, b, c", or a bullet
 * list). Why a parser and not a model: the base learner may only use what the prompt gives it, and
 * a prompt's label list is the strongest such hint. Each label keeps any description written next to
 * it ("- billing: charges, invoices"), because those words are what a user's message will share.
 */
export interface PromptLabel {
  label: string;
  description: string;
}

const INLINE_LIST =
  /(?:one of(?: these| the following)?(?: labels| categories| classes| options| values| intents)?|(?:labels|categories|classes|options|intents)(?: are)?)[ \t]*[:\-—][ \t]*([^\n]+)/i;

const BULLET = /^\s*(?:[-*•]|\d+[.)])\s+(.+?)\s*$/;

function cleanLabel(raw: string): string {
  return raw
    .trim()
    .replace(/^["'`*_]+|["'`*_.,;]+$/g, '')
    .trim();
}

/** Splits "label: description", "label - description", "label (description)". */
function splitDescription(item: string): PromptLabel {
  const m = /^(.+?)\s*(?::|\s[-–—]\s|\()\s*(.*?)\)?$/.exec(item);
  if (m && m[1] && m[1].split(/\s+/).length <= 4) return { label: cleanLabel(m[1]), description: m[2]?.trim() ?? '' };
  return { label: cleanLabel(item), description: '' };
}

function splitInline(list: string): string[] {
  // Stop at the end of the sentence that holds the list, but not at dots inside quoted labels.
  const sentence = list.split(/(?<=[a-z0-9_"'`)\]])\.\s|\.\s*$/i)[0] ?? list;
  return sentence
    .split(/\s*(?:,|\||;|\/|\bor\b|\band\b)\s*/i)
    .map(cleanLabel)
    .filter((s) => s.length > 0 && s.split(/\s+/).length <= 4);
}

/** Labels found in the text, in the order given; [] when the text offers no label set. */
export function parseLabels(text: string): PromptLabel[] {
  const inline = INLINE_LIST.exec(text);
  if (inline?.[1]) {
    const items = splitInline(inline[1]);
    if (items.length >= 2) return dedupe(items.map(splitDescription));
  }
  // A bullet list after a line that announces it ("Labels:", "Categories:", "one of:").
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    if (!/(label|categor|class|one of|intent|option)[^:]*:\s*$/i.test(lines[i]!)) continue;
    const items: PromptLabel[] = [];
    for (let j = i + 1; j < lines.length; j++) {
      const m = BULLET.exec(lines[j]!);
      if (!m) {
        if (lines[j]!.trim() === '' && items.length === 0) continue;
        break;
      }
      items.push(splitDescription(m[1]!));
    }
    if (items.length >= 2) return dedupe(items);
  }
  return [];
}

function dedupe(items: PromptLabel[]): PromptLabel[] {
  const seen = new Set<string>();
  return items.filter((l) => l.label && !seen.has(l.label) && (seen.add(l.label), true));
}
