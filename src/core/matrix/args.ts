/** Arguments generated from a tool's JSON Schema input, for tools the matrix file does not name. */

type Schema = Record<string, unknown>;

const isObj = (v: unknown): v is Schema => typeof v === 'object' && v !== null && !Array.isArray(v);

export function sampleFromSchema(schema: unknown, depth = 0): unknown {
  if (!isObj(schema) || depth > 6) return undefined;
  if ('const' in schema) return schema.const;
  if ('default' in schema) return schema.default;
  if (Array.isArray(schema.examples) && schema.examples.length) return schema.examples[0];
  if (Array.isArray(schema.enum) && schema.enum.length) return schema.enum[0];
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
    const list = schema[key];
    if (Array.isArray(list) && list.length) {
      if (key === 'allOf') return Object.assign({}, ...list.map((s) => sampleFromSchema(s, depth + 1)).filter(isObj));
      const nonNull = list.find((s) => !(isObj(s) && s.type === 'null')) ?? list[0];
      return sampleFromSchema(nonNull, depth + 1);
    }
  }
  let type = schema.type;
  if (Array.isArray(type)) type = type.find((t) => t !== 'null') ?? type[0];
  if (!type && isObj(schema.properties)) type = 'object';
  switch (type) {
    case 'string': {
      const fmt = schema.format;
      if (fmt === 'uri' || fmt === 'url') return 'https://example.com/';
      if (fmt === 'email') return 'matrix@example.com';
      if (fmt === 'date-time') return '2026-01-01T00:00:00Z';
      if (fmt === 'date') return '2026-01-01';
      const min = typeof schema.minLength === 'number' ? schema.minLength : 1;
      const base = 'mcp-secure-matrix';
      return base.length >= min ? base : base.padEnd(min, 'x');
    }
    case 'integer':
    case 'number': {
      const min = typeof schema.minimum === 'number' ? schema.minimum : typeof schema.exclusiveMinimum === 'number' ? schema.exclusiveMinimum + 1 : undefined;
      const max = typeof schema.maximum === 'number' ? schema.maximum : undefined;
      let n = min ?? (max !== undefined ? Math.min(1, max) : 1);
      if (type === 'integer') n = Math.ceil(n);
      return n;
    }
    case 'boolean':
      return false;
    case 'null':
      return null;
    case 'array': {
      const minItems = typeof schema.minItems === 'number' ? Math.min(schema.minItems, 5) : 0;
      const item = sampleFromSchema(schema.items, depth + 1);
      return Array.from({ length: minItems }, () => item);
    }
    case 'object': {
      const out: Record<string, unknown> = {};
      const props = isObj(schema.properties) ? schema.properties : {};
      const required = Array.isArray(schema.required) ? (schema.required as string[]) : [];
      for (const name of required) {
        const v = sampleFromSchema(props[name], depth + 1);
        out[name] = v === undefined ? 'mcp-secure-matrix' : v;
      }
      return out;
    }
    default:
      return undefined;
  }
}

/** Only the required properties are filled in (the least a valid call needs). */
export function argsFromInputSchema(schema: unknown): Record<string, unknown> {
  const v = sampleFromSchema(isObj(schema) ? { type: 'object', ...schema } : { type: 'object' });
  return isObj(v) ? v : {};
}
