/**
 * The target config's JSON Schema (config.schema.json, draft 2020-12), checked with ajv. The
 * schema is what editors read (a config's "$schema" line) and holds only standard keywords, so
 * any validator takes it; ajv's errors become the loader's messages, one per problem, each
 * naming its JSON path ($.clients[0].redirect_uris[1]), with the wording below where a schema
 * location needs more than the keyword says.
 */
import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { didYouMean } from '../commands/did-you-mean.ts';
import schemaDocument from './config.schema.json' with { type: 'json' };
import { interactionVerbs, locatorKinds } from './model.ts';

export type PathSegment = string | number;

/** One problem of a config file: where, and what is wrong there. */
export interface ConfigProblem {
  path: PathSegment[];
  message: string;
  /** An unknown field: listed before the other problems of its object. */
  unknownField?: boolean;
}

/** A node of the schema, as far as the messages and the ordering read it. */
interface SchemaNode {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, SchemaNode>;
  patternProperties?: Record<string, SchemaNode>;
  additionalProperties?: boolean | SchemaNode;
  items?: SchemaNode;
  oneOf?: { required?: string[] }[];
}

/** The schema as published: the file a config's "$schema" names. */
export const configSchema = schemaDocument as unknown as SchemaNode & { $id: string; $defs: Record<string, SchemaNode> };

/** "$", then ".key" or "[index]" per segment. */
export const formatPath = (path: readonly PathSegment[]): string =>
  `$${path.map((s) => (typeof s === 'number' ? `[${s}]` : `.${s}`)).join('')}`;

/** What a value is, for "got …" in a message. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  return `${typeof value} ${JSON.stringify(value)}`;
}

const kinds = locatorKinds.join(', ');
const positiveMs = 'must be a positive integer (milliseconds), got {got}';

/**
 * Messages by schema location (a JSON pointer into config.schema.json) and keyword;
 * "oneOf-several" is a oneOf that more than one branch passes. Placeholders: {got} (what the
 * value is), {value} (the value as JSON), {count} (items in it), {limit} (the keyword's),
 * {present} (the branches a oneOf matched).
 */
export const schemaMessages: Record<string, Record<string, string>> = {
  '#/$defs/httpUrl': { format: 'must be an absolute URL, got {value}', pattern: 'must be a http or https URL, got {value}' },
  '#/$defs/ldapUrl': { format: 'must be an absolute URL, got {value}', pattern: 'must be a ldap or ldaps URL, got {value}' },
  '#/$defs/milliseconds': { type: positiveMs, exclusiveMinimum: positiveMs },
  '#/$defs/locatorKind': { oneOf: `must name exactly one of ${kinds}`, 'oneOf-several': `names {present}; a locator has exactly one of ${kinds}` },
  '#/$defs/pageMatch': { anyOf: `must name the page: a locator (one of ${kinds}) visible on it, a "urlPattern" (a regular expression its URL matches), or both` },
  '#/$defs/action': {
    oneOf: `must name exactly one action: ${interactionVerbs.map((v) => `{"${v}": <locator>}`).join(', ')}`,
    'oneOf-several': `names {present}; an action does exactly one of ${interactionVerbs.join(', ')} (use one action each)`,
  },
  '#/$defs/action/properties/value': { minItems: 'must name at least one option', type: 'must be a string or an array of strings, got {got}' },
  '#/$defs/action/dependentSchemas/value': { anyOf: 'only goes with "fill" and "select"' },
  '#/$defs/interaction/properties/actions': { minItems: 'must list at least one action', maxItems: 'has {count} actions; at most {limit}' },
  '#/$defs/login': { required: `is required (a locator: one of ${locatorKinds.map((k) => `{"${k}": ...}`).join(', ')})` },
  '#/$defs/login/properties/interactions': { maxItems: 'has {count} entries; at most {limit}' },
  '#/$defs/metadata': { type: 'must be an object of discovery members (RFC 8414 §2), got {got}' },
  '#/$defs/metadata/properties/issuer': { not: 'cannot be overridden: the issuer is --target or "issuer", and the discovery document must name it (RFC 8414 §3.3)' },
  '#/$defs/expectedFailure': { anyOf: 'needs "id" (the check id, <flow>/<step-key>/<check-key>) or "check" (its name, deprecated)' },
  '#/$defs/expectedFailure/properties/id': { pattern: '{value} is not a check id: <flow>/<step-key>/<check-key>, lower-case words joined by "-" (e.g. authorization-code/token/code-reuse-refused)' },
  '#/$defs/expectedFailure/then': { required: 'is required with "check" (or give "id", which names the flow)' },
};

/**
 * Where each node of the schema is, as a JSON pointer: ajv's schemaPath starts again at each
 * $ref it did not inline, but its parentSchema is the node itself.
 */
let pointers: WeakMap<object, string> | undefined;
function locations(): WeakMap<object, string> {
  if (pointers) return pointers;
  const map = new WeakMap<object, string>();
  const walk = (node: unknown, pointer: string) => {
    if (node === null || typeof node !== 'object') return;
    if (!Array.isArray(node)) map.set(node, pointer);
    for (const [key, child] of Object.entries(node)) walk(child, `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`);
  };
  walk(configSchema, '#');
  pointers = map;
  return map;
}

/** Compiled on first use (a command that reads no config does not pay for it), each $defs entry once. */
let compiled: ValidateFunction | undefined;
function validator(): ValidateFunction {
  if (compiled) return compiled;
  const ajv = new Ajv2020({ allErrors: true, verbose: true, strictTypes: false, inlineRefs: false });
  // JSON Schema's "regex" is ECMA-262; the driver compiles these with new RegExp.
  ajv.addFormat('regex', (s: string) => regexError(s) === undefined);
  // Absolute URLs; which schemes a field takes is its "pattern".
  ajv.addFormat('uri', (s: string) => URL.canParse(s));
  compiled = ajv.compile(configSchema);
  return compiled;
}

function regexError(source: string): string | undefined {
  try {
    new RegExp(source);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/** ajv's instancePath (a JSON pointer) as path segments: an index where the value is an array. */
function pointerToPath(pointer: string, doc: unknown): PathSegment[] {
  if (pointer === '') return [];
  let data = doc;
  return pointer.slice(1).split('/').map((raw) => {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    const segment = Array.isArray(data) ? Number(key) : key;
    data = data !== null && typeof data === 'object' ? (data as Record<PathSegment, unknown>)[segment] : undefined;
    return segment;
  });
}

function typeMessage(node: SchemaNode): string {
  const types = ([] as string[]).concat(node.type ?? []);
  const one = (t: string) => {
    switch (t) {
      case 'string': return 'a string';
      case 'boolean': return 'true or false';
      case 'integer': return 'an integer';
      case 'object': return 'an object';
      case 'array': return deref(node.items)?.type === 'string' ? 'an array of strings' : 'an array';
      default: return t;
    }
  };
  return `must be ${types.map(one).join(' or ')}, got {got}`;
}

function fill(template: string, error: ErrorObject, extra: Record<string, string> = {}): string {
  const values: Record<string, string> = {
    got: describe(error.data),
    value: JSON.stringify(error.data),
    count: Array.isArray(error.data) ? String(error.data.length) : '',
    limit: String((error.params as { limit?: number }).limit ?? ''),
    ...extra,
  };
  return template.replace(/\{(got|value|count|limit|present)\}/g, (_m, name: string) => values[name] ?? '');
}

/** ajv's error as a problem of the config, with the schema's message for it when it has one. */
function toProblem(error: ErrorObject, doc: unknown): ConfigProblem {
  const at = pointerToPath(error.instancePath, doc);
  const node = (error.parentSchema ?? {}) as SchemaNode;
  const own = schemaMessages[locations().get(node) ?? ''] ?? {};
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return { path: [...at, String(params.missingProperty)], message: own.required ?? 'is required' };
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const allowed = Object.keys(node.properties ?? {});
      return { path: [...at, key], message: `unknown field${didYouMean(key, allowed)}; allowed: ${allowed.join(', ')}`, unknownField: true };
    }
    case 'dependentRequired':
      return { path: [...at, String(params.property)], message: `only goes with "${String(params.missingProperty)}"` };
    case 'type':
      return { path: at, message: fill(own.type ?? typeMessage(node), error) };
    case 'enum': {
      const allowed = (error.schema as unknown[]).map(String);
      return { path: at, message: `${JSON.stringify(error.data)} is not one of ${allowed.join(', ')}${didYouMean(String(error.data), allowed)}` };
    }
    case 'minLength':
      return { path: at, message: own.minLength ?? 'must not be empty' };
    case 'format':
      if (params.format === 'regex') return { path: at, message: `is not a valid regular expression: ${regexError(String(error.data))}` };
      return { path: at, message: fill(own.format ?? `must be a ${String(params.format)}, got {value}`, error) };
    case 'oneOf': {
      const passing = params.passingSchemas as number[] | null;
      if (passing === null) return { path: at, message: fill(own.oneOf ?? error.message ?? 'is not valid', error) };
      const present = passing.map((i) => node.oneOf?.[i]?.required?.[0] ?? String(i)).join(' and ');
      return { path: at, message: fill(own['oneOf-several'] ?? error.message ?? 'is not valid', error, { present }) };
    }
    case 'anyOf': {
      // A dependentSchemas rule is about its property: "value" only goes with "fill" and "select".
      const dependent = /\/dependentSchemas\/([^/]+)\/anyOf$/.exec(error.schemaPath)?.[1];
      return { path: dependent === undefined ? at : [...at, dependent.replace(/~1/g, '/').replace(/~0/g, '~')], message: fill(own.anyOf ?? error.message ?? 'is not valid', error) };
    }
    default:
      return { path: at, message: fill(own[error.keyword] ?? error.message ?? 'is not valid', error) };
  }
}

/**
 * The errors worth a message: not each failed branch of a oneOf/anyOf (the oneOf/anyOf says
 * it), not an "if" (its "then" says it), and one per value: a value of the wrong type gets
 * only that; a string that is no URL is not also told its scheme; an object that does not
 * name exactly one of its choices (one locator kind, one action) is not also told what its
 * other fields go with.
 */
function relevant(errors: ErrorObject[]): ErrorObject[] {
  const kept = errors.filter((e) => e.keyword !== 'if' && !/\/(oneOf|anyOf)\/\d+\//.test(e.schemaPath));
  const at = (path: string, keyword: string, test: (e: ErrorObject) => boolean = () => true) =>
    kept.some((e) => e.instancePath === path && e.keyword === keyword && test(e));
  return kept.filter((e) => {
    if (e.keyword !== 'type' && at(e.instancePath, 'type')) return false;
    if (e.keyword === 'pattern' && at(e.instancePath, 'format')) return false;
    const dependent = e.keyword === 'dependentRequired' || /\/(dependentSchemas|then)\//.test(e.schemaPath);
    if (dependent && at(e.instancePath, 'oneOf')) return false;
    return true;
  });
}

/** Every problem the schema finds in a parsed config document. */
export function schemaProblems(doc: unknown): ConfigProblem[] {
  const validate = validator();
  if (validate(doc)) return [];
  return relevant(validate.errors ?? []).map((e) => toProblem(e, doc));
}

function deref(node: SchemaNode | undefined): SchemaNode | undefined {
  let n = node;
  for (let hops = 0; n?.$ref && !n.properties && !n.items && hops < 10; hops++) n = configSchema.$defs[n.$ref.replace('#/$defs/', '')];
  return n;
}

function childSchema(node: SchemaNode | undefined, segment: PathSegment): SchemaNode | undefined {
  const n = deref(node);
  if (!n) return undefined;
  if (typeof segment === 'number') return n.items;
  if (n.properties?.[segment]) return n.properties[segment];
  const pattern = Object.keys(n.patternProperties ?? {}).find((p) => new RegExp(p, 'u').test(segment));
  if (pattern) return n.patternProperties![pattern];
  return typeof n.additionalProperties === 'object' ? n.additionalProperties : undefined;
}

/**
 * Where a problem goes in the list, as the file reads: an object's unknown fields first, then
 * what is wrong with the object as a whole, then its fields in the schema's order (in the
 * file's order where the schema leaves fields open); an array's items before what is wrong
 * with the array as a whole.
 */
function sortKey(doc: unknown, problem: ConfigProblem): number[] {
  const key: number[] = [];
  let node: SchemaNode | undefined = configSchema;
  let data: unknown = doc;
  problem.path.forEach((segment, i) => {
    if (typeof segment === 'number') {
      key.push(segment);
    } else if (problem.unknownField && i === problem.path.length - 1) {
      key.push(-2);
    } else {
      const n = deref(node);
      const known = Object.keys(n?.properties ?? {});
      const present = data !== null && typeof data === 'object' ? Object.keys(data) : [];
      if (n?.additionalProperties === false && known.includes(segment)) key.push(known.indexOf(segment));
      else key.push(present.includes(segment) ? known.length + present.indexOf(segment) : Number.MAX_SAFE_INTEGER);
    }
    node = childSchema(node, segment);
    data = data !== null && typeof data === 'object' ? (data as Record<PathSegment, unknown>)[segment] : undefined;
  });
  key.push(Array.isArray(data) ? Infinity : -1);
  return key;
}

/** The problems in the order the file reads (stable for problems at one place). */
export function orderProblems(doc: unknown, problems: ConfigProblem[]): ConfigProblem[] {
  const keyed = problems.map((p) => ({ p, key: sortKey(doc, p) }));
  keyed.sort((a, b) => {
    for (let i = 0; i < Math.min(a.key.length, b.key.length); i++) if (a.key[i] !== b.key[i]) return a.key[i]! < b.key[i]! ? -1 : 1;
    return a.key.length - b.key.length;
  });
  return keyed.map(({ p }) => p);
}

/** The fields the schema allows in the object at a path ("clients", 0 → a client's fields). */
export function allowedFields(path: readonly PathSegment[]): string[] {
  let node: SchemaNode | undefined = configSchema;
  for (const segment of path) node = childSchema(node, segment);
  return Object.keys(deref(node)?.properties ?? {});
}
