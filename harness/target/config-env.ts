/**
 * Environment references in a target config file: `${env:NAME}` anywhere in a string value is
 * replaced by the variable NAME, so a CI pipeline keeps client secrets and test passwords in its
 * secret store, and a launcher can hand over URLs that exist only at run time (free ports).
 * Nothing else is special: a `$` not followed by `{env:NAME}` stays as written.
 */
type Json = unknown;

/** Keys that start with "$" or "//" are comments (JSON has none of its own). */
export const isComment = (key: string): boolean => key.startsWith('$') || key.startsWith('//');

const reference = /\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** The document with every reference replaced, and one problem per variable that is not set. */
export function substituteEnv(doc: Json, env: NodeJS.ProcessEnv = process.env): { doc: Json; problems: string[] } {
  const problems: string[] = [];
  const walk = (value: Json, path: string): Json => {
    if (typeof value === 'string') {
      return value.replace(reference, (_match, name: string) => {
        const found = env[name];
        if (found === undefined) {
          problems.push(`${path}: environment variable ${name} is not set (referenced as \${env:${name}})`);
          return '';
        }
        return found;
      });
    }
    if (Array.isArray(value)) return value.map((item, i) => walk(item, `${path}[${i}]`));
    if (value !== null && typeof value === 'object') {
      // A comment is left as written: a reference in it is not a use.
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, isComment(key) ? item : walk(item, `${path}.${key}`)]));
    }
    return value;
  };
  return { doc: walk(doc, '$'), problems };
}
