/**
 * A JSON Schema validator for the subset structured outputs and eval assertions use (draft 2020-12 / 07 keywords):
 * type (incl. integer and type lists), enum, const, properties, required, additionalProperties (boolean or schema),
 * patternProperties, items (schema) and prefixItems, minItems/maxItems, uniqueItems, minLength/maxLength (code
 * points), pattern, minimum/maximum, exclusiveMinimum/exclusiveMaximum (numeric form), multipleOf, allOf/anyOf/
 * oneOf/not, and local $ref (`#/$defs/x`, `#/definitions/x`). `format`, `if/then/else`, `dependent*`,
 * `unevaluated*` and remote refs are not checked; a schema using them is reported by `unsupportedKeywords`.
 */
export type JsonSchema = boolean | { [k: string]: unknown };

export interface SchemaError {
  /** JSON Pointer into the instance ('' is the root). */
  path: string;
  message: string;
}

const SUPPORTED = new Set([
  '$schema',
  '$id',
  '$defs',
  'definitions',
  '$ref',
  '$comment',
  'title',
  'description',
  'default',
  'examples',
  'deprecated',
  'readOnly',
  'writeOnly',
  'type',
  'enum',
  'const',
  'properties',
  'required',
  'additionalProperties',
  'patternProperties',
  'items',
  'prefixItems',
  'minItems',
  'maxItems',
  'uniqueItems',
  'minLength',
  'maxLength',
  'pattern',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'allOf',
  'anyOf',
  'oneOf',
  'not',
  'minProperties',
  'maxProperties',
]);

/** Keywords anywhere in the schema this validator ignores (so a config can warn instead of silently passing). */
export function unsupportedKeywords(schema: JsonSchema): string[] {
  const out = new Set<string>();
  const walk = (s: unknown, inMap = false) => {
    if (!s || typeof s !== 'object') return;
    if (Array.isArray(s)) return s.forEach((x) => walk(x));
    for (const [k, v] of Object.entries(s)) {
      if (!inMap && !SUPPORTED.has(k)) out.add(k);
      const isMap = !inMap && (k === 'properties' || k === 'patternProperties' || k === '$defs' || k === 'definitions');
      if (isMap && v && typeof v === 'object') Object.values(v).forEach((x) => walk(x));
      else if (!inMap && k !== 'enum' && k !== 'const' && k !== 'default' && k !== 'examples') walk(v);
    }
  };
  walk(schema);
  return [...out];
}

export function validateJsonSchema(value: unknown, schema: JsonSchema, root: JsonSchema = schema): SchemaError[] {
  const errors: SchemaError[] = [];
  check(value, schema, root, '', errors);
  return errors;
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function typeMatches(v: unknown, t: string): boolean {
  const actual = typeName(v);
  return t === actual || (t === 'number' && actual === 'integer');
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a))
    return a.length === (b as unknown[]).length && a.every((x, i) => deepEqual(x, (b as unknown[])[i]));
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  return (
    ka.length === kb.length &&
    ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
  );
}

function resolveRef(ref: string, root: JsonSchema): JsonSchema {
  if (!ref.startsWith('#')) throw new Error(`$ref '${ref}': only local references (#/...) are supported`);
  let node: unknown = root;
  for (const raw of ref.slice(1).split('/').filter(Boolean)) {
    const part = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    node = (node as Record<string, unknown> | undefined)?.[part];
  }
  if (node === undefined) throw new Error(`$ref '${ref}' points nowhere`);
  return node as JsonSchema;
}

function pointer(path: string, key: string | number): string {
  return `${path}/${String(key).replace(/~/g, '~0').replace(/\//g, '~1')}`;
}

function check(v: unknown, schema: JsonSchema, root: JsonSchema, path: string, errors: SchemaError[]): void {
  if (schema === true) return;
  if (schema === false) {
    errors.push({ path, message: 'no value is allowed here' });
    return;
  }
  const s = schema;
  const err = (message: string) => errors.push({ path, message });
  if (typeof s.$ref === 'string') check(v, resolveRef(s.$ref, root), root, path, errors);
  if (s.type !== undefined) {
    const types = Array.isArray(s.type) ? (s.type as string[]) : [s.type as string];
    if (!types.some((t) => typeMatches(v, t))) {
      err(`expected ${types.join(' or ')}, got ${typeName(v)}`);
      return; // further keywords would only repeat the type error
    }
  }
  if (Array.isArray(s.enum) && !s.enum.some((e) => deepEqual(e, v))) err(`expected one of ${JSON.stringify(s.enum)}`);
  if ('const' in s && !deepEqual(s.const, v)) err(`expected ${JSON.stringify(s.const)}`);

  if (typeof v === 'string') {
    const len = [...v].length;
    if (typeof s.minLength === 'number' && len < s.minLength) err(`shorter than ${s.minLength} characters`);
    if (typeof s.maxLength === 'number' && len > s.maxLength) err(`longer than ${s.maxLength} characters`);
    if (typeof s.pattern === 'string' && !new RegExp(s.pattern, 'u').test(v)) err(`does not match /${s.pattern}/`);
  }
  if (typeof v === 'number') {
    if (typeof s.minimum === 'number' && v < s.minimum) err(`less than ${s.minimum}`);
    if (typeof s.maximum === 'number' && v > s.maximum) err(`greater than ${s.maximum}`);
    if (typeof s.exclusiveMinimum === 'number' && v <= s.exclusiveMinimum)
      err(`not greater than ${s.exclusiveMinimum}`);
    if (typeof s.exclusiveMaximum === 'number' && v >= s.exclusiveMaximum) err(`not less than ${s.exclusiveMaximum}`);
    if (typeof s.multipleOf === 'number' && s.multipleOf > 0) {
      const q = v / s.multipleOf;
      if (Math.abs(q - Math.round(q)) > 1e-9) err(`not a multiple of ${s.multipleOf}`);
    }
  }
  if (Array.isArray(v)) {
    if (typeof s.minItems === 'number' && v.length < s.minItems) err(`fewer than ${s.minItems} items`);
    if (typeof s.maxItems === 'number' && v.length > s.maxItems) err(`more than ${s.maxItems} items`);
    if (s.uniqueItems === true && v.some((x, i) => v.findIndex((y) => deepEqual(x, y)) !== i))
      err('items are not unique');
    const prefix = Array.isArray(s.prefixItems) ? (s.prefixItems as JsonSchema[]) : [];
    prefix.forEach((p, i) => i < v.length && check(v[i], p, root, pointer(path, i), errors));
    if (s.items !== undefined && !Array.isArray(s.items)) {
      for (let i = prefix.length; i < v.length; i++) check(v[i], s.items as JsonSchema, root, pointer(path, i), errors);
    }
  }
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    const obj = v as Record<string, unknown>;
    const keys = Object.keys(obj);
    if (typeof s.minProperties === 'number' && keys.length < s.minProperties)
      err(`fewer than ${s.minProperties} properties`);
    if (typeof s.maxProperties === 'number' && keys.length > s.maxProperties)
      err(`more than ${s.maxProperties} properties`);
    if (Array.isArray(s.required))
      for (const r of s.required as string[])
        if (!(r in obj)) errors.push({ path: pointer(path, r), message: 'required property is missing' });
    const props = (s.properties ?? {}) as Record<string, JsonSchema>;
    const patterns = Object.entries((s.patternProperties ?? {}) as Record<string, JsonSchema>).map(
      ([p, sub]) => [new RegExp(p, 'u'), sub] as const,
    );
    for (const k of keys) {
      let matched = false;
      if (k in props) {
        matched = true;
        check(obj[k], props[k]!, root, pointer(path, k), errors);
      }
      for (const [re, sub] of patterns) {
        if (re.test(k)) {
          matched = true;
          check(obj[k], sub, root, pointer(path, k), errors);
        }
      }
      if (!matched && s.additionalProperties !== undefined) {
        if (s.additionalProperties === false)
          errors.push({ path: pointer(path, k), message: 'additional property is not allowed' });
        else check(obj[k], s.additionalProperties as JsonSchema, root, pointer(path, k), errors);
      }
    }
  }
  if (Array.isArray(s.allOf)) for (const sub of s.allOf as JsonSchema[]) check(v, sub, root, path, errors);
  if (Array.isArray(s.anyOf) && !(s.anyOf as JsonSchema[]).some((sub) => validateJsonSchema(v, sub, root).length === 0))
    err('matches none of anyOf');
  if (Array.isArray(s.oneOf)) {
    const n = (s.oneOf as JsonSchema[]).filter((sub) => validateJsonSchema(v, sub, root).length === 0).length;
    if (n !== 1) err(`matches ${n} of oneOf (exactly 1 expected)`);
  }
  if (s.not !== undefined && validateJsonSchema(v, s.not as JsonSchema, root).length === 0)
    err('matches the schema under not');
}
