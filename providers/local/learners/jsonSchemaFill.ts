/**
 * Structured output for the local learners: builds a JSON value that satisfies a JSON Schema
 * (`response_format: json_schema`) from a learner's reply. Enum strings are chosen by the learner
 * among the enum values (so a schema `{label: {enum: [...]}}` classifies); other strings get the
 * reply text; numbers named like a confidence get the reply's probability; everything else gets
 * the simplest value the schema allows. Every property is emitted, so strict schemas are satisfied.
 */
import type { LearnerReply } from './chatTypes';

type Schema = Record<string, unknown>;

export interface FillContext {
  reply: LearnerReply;
  /** Picks one of a fixed set of strings for the current request (the learner's choice among them). */
  choose(options: string[]): string;
  /** Probability the learner gives its top candidate. */
  confidence: number;
  root: Schema;
}

function resolveRef(schema: Schema, root: Schema): Schema {
  const ref = schema.$ref;
  if (typeof ref !== 'string' || !ref.startsWith('#/')) return schema;
  let node: unknown = root;
  for (const part of ref.slice(2).split('/')) node = (node as Record<string, unknown> | undefined)?.[part];
  return (node as Schema) ?? {};
}

function typeOf(schema: Schema): string {
  const t = schema.type;
  if (typeof t === 'string') return t;
  if (Array.isArray(t)) return (t.find((x) => x !== 'null') as string) ?? 'null';
  if (schema.properties) return 'object';
  if (schema.items) return 'array';
  if (Array.isArray(schema.enum)) return typeof schema.enum[0] === 'number' ? 'number' : 'string';
  return 'string';
}

export function fillSchema(schemaIn: unknown, ctx: FillContext, name = ''): unknown {
  let schema = resolveRef((schemaIn ?? {}) as Schema, ctx.root);
  if ('const' in schema) return schema.const;
  const branches = (schema.anyOf ?? schema.oneOf ?? schema.allOf) as Schema[] | undefined;
  if (Array.isArray(branches) && branches.length > 0) {
    const nonNull = branches.find((b) => resolveRef(b, ctx.root).type !== 'null') ?? branches[0]!;
    schema = { ...resolveRef(nonNull, ctx.root) };
  }
  const enumValues = Array.isArray(schema.enum) ? (schema.enum as unknown[]) : null;
  if (enumValues && enumValues.length > 0) {
    const strings = enumValues.filter((v): v is string => typeof v === 'string');
    return strings.length > 0 ? ctx.choose(strings) : enumValues[0];
  }
  switch (typeOf(schema)) {
    case 'object': {
      const props = (schema.properties ?? {}) as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const [key, sub] of Object.entries(props)) out[key] = fillSchema(sub, ctx, key);
      return out;
    }
    case 'array': {
      const min = typeof schema.minItems === 'number' ? schema.minItems : 1;
      return Array.from({ length: Math.max(1, min) }, () => fillSchema(schema.items, ctx, name));
    }
    case 'number':
    case 'integer': {
      const lo = typeof schema.minimum === 'number' ? schema.minimum : -Infinity;
      const hi = typeof schema.maximum === 'number' ? schema.maximum : Infinity;
      let v = /confidence|probability|score|certainty/i.test(name) ? ctx.confidence : 0;
      if (hi !== Infinity && hi > 1 && /confidence|probability|score|certainty/i.test(name)) v *= hi;
      if (schema.type === 'integer') v = Math.round(v);
      return Math.min(hi, Math.max(lo, v));
    }
    case 'boolean':
      return false;
    case 'null':
      return null;
    default: {
      if (/reason|explanation|rationale|justification/i.test(name))
        return `Chosen by the local ${ctx.reply.strategy} learner.`;
      return ctx.reply.candidates[0]?.text ?? '';
    }
  }
}
