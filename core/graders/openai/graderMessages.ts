import type { JudgeContentPart, JudgeMessage } from '../gradeTypes';
import { renderGraderTemplate, type TemplateContext } from '../template';
import type { GraderContentItem, GraderMessage } from './openaiGraderSchemas';

/**
 * A model grader's `input` messages, templated and turned into Chat Completions messages: text items become text
 * parts (sent as plain strings when a message is text only), images and audio keep their templated URL or data.
 * Messages go to the judge verbatim; no hidden instructions are added (a recorded choice).
 */
export function renderGraderMessages(messages: readonly GraderMessage[], ctx: TemplateContext): JudgeMessage[] {
  return messages.map((m) => {
    const items = Array.isArray(m.content) ? m.content : [m.content];
    const parts = items.map((it) => renderItem(it, ctx));
    const textOnly = parts.every((p) => p.type === 'text');
    return {
      role: m.role,
      content: textOnly || m.role !== 'user' ? parts.map((p) => (p.type === 'text' ? p.text : '')).join('\n') : parts,
    };
  });
}

function renderItem(item: GraderContentItem, ctx: TemplateContext): JudgeContentPart {
  if (typeof item === 'string') return { type: 'text', text: renderGraderTemplate(item, ctx) };
  switch (item.type) {
    case 'input_text':
    case 'output_text':
      return { type: 'text', text: renderGraderTemplate(item.text, ctx) };
    case 'input_image':
      return { type: 'image_url', image_url: { url: renderGraderTemplate(item.image_url, ctx), detail: item.detail } };
    case 'input_audio':
      return {
        type: 'input_audio',
        input_audio: { data: renderGraderTemplate(item.input_audio.data, ctx), format: item.input_audio.format },
      };
  }
}
