/**
 * Reading a judge's reply robustly: structured outputs should give clean JSON, but a model (or the local backend's
 * learners, which are not judges) may wrap it in prose or code fences, or answer with a bare value.
 */
export function parseJsonReply(text: string): unknown {
  const trimmed = text.trim();
  try {
    return JSON.parse(trimmed);
  } catch {
    // fall through to the first balanced {...} in the text
  }
  const start = trimmed.indexOf('{');
  if (start < 0) return undefined;
  let depth = 0;
  let inString = false;
  for (let i = start; i < trimmed.length; i++) {
    const ch = trimmed[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === '{') depth++;
    else if (ch === '}' && --depth === 0) {
      try {
        return JSON.parse(trimmed.slice(start, i + 1));
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/** A number from a JSON field or a numeric string ("6", " 0.5 "); undefined for anything else ("n/a", null). */
export function numericValue(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && /^\s*[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*$/.test(v)) return Number(v);
  return undefined;
}

/** The field of a parsed object, trying names in order (`result` is OpenAI's; `score` what models often write). */
export function field(obj: unknown, ...names: string[]): unknown {
  if (!obj || typeof obj !== 'object' || Array.isArray(obj)) return undefined;
  for (const n of names) if (n in (obj as Record<string, unknown>)) return (obj as Record<string, unknown>)[n];
  return undefined;
}

/** Reasoning models reject `temperature`; other models reject `reasoning_effort`. */
export function isReasoningModel(model: string): boolean {
  return /^(ft:)?(o\d|gpt-5)/.test(model);
}
