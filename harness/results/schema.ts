/**
 * A small JSON Schema checker for the subset results.schema.json uses (type, required,
 * properties, additionalProperties, items, enum, const, $ref into $defs, oneOf, minimum,
 * pattern), so the published schema is exercised by the tests without a new dependency.
 */
import { readFileSync } from 'node:fs';

type Schema = Record<string, unknown>;

const typeOf = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : Number.isInteger(v) ? 'integer' : typeof v);

function matchesType(value: unknown, type: string): boolean {
  const t = typeOf(value);
  return t === type || (type === 'number' && t === 'integer');
}

/** Every violation of `schema` by `value`, as "$.path: what". Empty when it conforms. */
export function validateAgainstSchema(value: unknown, schema: Schema, root: Schema = schema, path = '$'): string[] {
  if (typeof schema.$ref === 'string') {
    const m = /^#\/\$defs\/(.+)$/.exec(schema.$ref);
    const target = m ? (root.$defs as Record<string, Schema> | undefined)?.[m[1]] : undefined;
    if (!target) return [`${path}: unresolvable $ref ${schema.$ref}`];
    return validateAgainstSchema(value, target, root, path);
  }
  const errors: string[] = [];
  if (Array.isArray(schema.oneOf)) {
    const results = (schema.oneOf as Schema[]).map((s) => validateAgainstSchema(value, s, root, path));
    const passing = results.filter((r) => r.length === 0).length;
    if (passing !== 1) {
      errors.push(passing === 0 ? `${path}: matches none of the allowed shapes (${results.map((r) => r[0]).join(' | ')})` : `${path}: matches ${passing} shapes, expected exactly one`);
    }
    return errors;
  }
  if ('const' in schema && value !== schema.const) errors.push(`${path}: must be ${JSON.stringify(schema.const)}, got ${JSON.stringify(value)}`);
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) errors.push(`${path}: must be one of ${schema.enum.map((e) => JSON.stringify(e)).join(', ')}, got ${JSON.stringify(value)}`);
  if (typeof schema.type === 'string' && !matchesType(value, schema.type)) {
    errors.push(`${path}: must be ${schema.type}, got ${typeOf(value)}`);
    return errors;
  }
  if (typeof schema.minimum === 'number' && typeof value === 'number' && value < schema.minimum) errors.push(`${path}: must be >= ${schema.minimum}, got ${value}`);
  if (typeof schema.pattern === 'string' && typeof value === 'string' && !new RegExp(schema.pattern, 'u').test(value)) errors.push(`${path}: must match ${schema.pattern}, got ${JSON.stringify(value)}`);
  if (typeOf(value) === 'object') {
    const obj = value as Record<string, unknown>;
    for (const key of (schema.required as string[] | undefined) ?? []) if (obj[key] === undefined) errors.push(`${path}.${key}: is required`);
    const props = (schema.properties as Record<string, Schema> | undefined) ?? {};
    for (const [key, v] of Object.entries(obj)) {
      if (props[key]) errors.push(...validateAgainstSchema(v, props[key], root, `${path}.${key}`));
      else if (schema.additionalProperties === false) errors.push(`${path}.${key}: is not allowed`);
      else if (schema.additionalProperties && typeof schema.additionalProperties === 'object') errors.push(...validateAgainstSchema(v, schema.additionalProperties as Schema, root, `${path}.${key}`));
    }
  }
  if (Array.isArray(value) && schema.items && typeof schema.items === 'object') {
    value.forEach((item, i) => errors.push(...validateAgainstSchema(item, schema.items as Schema, root, `${path}[${i}]`)));
  }
  return errors;
}

export const resultsSchemaPath = new URL('./results.schema.json', import.meta.url).pathname;

let cached: Schema | undefined;
export function resultsSchema(): Schema {
  cached ??= JSON.parse(readFileSync(resultsSchemaPath, 'utf8')) as Schema;
  return cached;
}

/** Violations of results.schema.json (empty when `value` is a valid results.json). */
export function validateResults(value: unknown): string[] {
  return validateAgainstSchema(value, resultsSchema());
}
