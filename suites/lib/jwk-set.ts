/**
 * What a published JWK Set must hold (RFC 7517 §4, §5; RFC 7518 §6): public members only,
 * complete and well-encoded public keys of adequate size. Each function returns the problems
 * it found, one string a key, so a check can name the key (by kid, else position).
 */
import { X509Certificate, createPublicKey } from 'node:crypto';

export type Jwk = Record<string, unknown>;

export const keyName = (key: Jwk, i: number) => (typeof key.kid === 'string' ? `key "${key.kid}"` : `key #${i + 1}`);

/** RFC 7518 §6.3.2 (RSA), §6.2.2 (EC), RFC 8037 §2 (OKP): the private members. */
const privateMembers: Record<string, string[]> = {
  RSA: ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth'],
  EC: ['d'],
  OKP: ['d'],
};

const base64url = /^[A-Za-z0-9_-]+$/;

function forEachKey(keys: Jwk[], problem: (key: Jwk) => string | undefined): string[] {
  return keys.flatMap((key, i) => {
    const p = problem(key);
    return p ? [`${keyName(key, i)}: ${p}`] : [];
  });
}

export function privateMemberProblems(keys: Jwk[], kty: 'RSA' | 'EC' | 'OKP'): string[] {
  return forEachKey(keys.filter((k) => k.kty === kty), (key) => {
    const found = privateMembers[kty].filter((m) => Object.hasOwn(key, m));
    return found.length ? `publishes the private member${found.length > 1 ? 's' : ''} ${found.join(', ')}` : undefined;
  });
}

/** RFC 7518 §6.4: an "oct" key's k is the secret itself. */
export function symmetricKeyProblems(keys: Jwk[]): string[] {
  return forEachKey(keys, (key) => (key.kty === 'oct' ? `is a symmetric key${Object.hasOwn(key, 'k') ? ' with its secret k' : ''}` : undefined));
}

const decodedLength = (v: unknown) => (typeof v === 'string' && base64url.test(v) ? Buffer.from(v, 'base64url').length : undefined);

/** RFC 7518 §6.3.1: n and e MUST be present, base64url-encoded unsigned integers. */
export function rsaMemberProblems(keys: Jwk[]): string[] {
  return forEachKey(keys.filter((k) => k.kty === 'RSA'), (key) => {
    const missing = ['n', 'e'].filter((m) => decodedLength(key[m]) === undefined);
    return missing.length ? `${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} missing or not base64url` : undefined;
  });
}

/** RFC 7518 §3.3: "A key of size 2048 bits or larger MUST be used with these algorithms." */
export function rsaSizeProblems(keys: Jwk[]): string[] {
  return forEachKey(keys.filter((k) => k.kty === 'RSA'), (key) => {
    const n = typeof key.n === 'string' && base64url.test(key.n) ? Buffer.from(key.n, 'base64url') : undefined;
    if (!n) return undefined; // rsaMemberProblems reports it
    const bits = n.length * 8 - (n[0] === 0 ? 8 : Math.clz32(n[0]) - 24);
    return bits < 2048 ? `the modulus has ${bits} bits, fewer than 2048` : undefined;
  });
}

const curveBytes: Record<string, number> = { 'P-256': 32, 'P-384': 48, 'P-521': 66 };

/** RFC 7518 §6.2.1: crv and x MUST be present, y too for the P curves, each the full size of a coordinate. */
export function ecMemberProblems(keys: Jwk[]): string[] {
  return forEachKey(keys.filter((k) => k.kty === 'EC'), (key) => {
    const crv = typeof key.crv === 'string' ? key.crv : undefined;
    if (!crv) return 'has no crv';
    const size = curveBytes[crv];
    const missing = ['x', ...(size ? ['y'] : [])].filter((m) => decodedLength(key[m]) === undefined);
    if (missing.length) return `${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} missing or not base64url (curve ${crv})`;
    if (!size) return undefined;
    const wrong = ['x', 'y'].filter((m) => decodedLength(key[m]) !== size);
    return wrong.length ? `${wrong.join(' and ')} ${wrong.length > 1 ? 'are' : 'is'} not ${size} bytes, the full coordinate size of ${crv}` : undefined;
  });
}

/** RFC 7517 §4.3: use and key_ops, when both are present, MUST convey the same. */
export function useKeyOpsProblems(keys: Jwk[]): string[] {
  const forUse: Record<string, string[]> = { sig: ['sign', 'verify'], enc: ['encrypt', 'decrypt', 'wrapKey', 'unwrapKey', 'deriveKey', 'deriveBits'] };
  return forEachKey(keys, (key) => {
    if (typeof key.use !== 'string' || !Array.isArray(key.key_ops) || !forUse[key.use]) return undefined;
    const odd = (key.key_ops as unknown[]).filter((op) => !forUse[key.use as string].includes(op as string));
    return odd.length ? `use "${key.use}" but key_ops ${JSON.stringify(key.key_ops)}` : undefined;
  });
}

/** RFC 7517 §4.7: the key in the first certificate of x5c MUST match the JWK's public key. */
export function x5cProblems(keys: Jwk[]): string[] {
  return forEachKey(keys.filter((k) => Array.isArray(k.x5c) && k.x5c.length > 0), (key) => {
    try {
      const cert = new X509Certificate(Buffer.from(String((key.x5c as unknown[])[0]), 'base64'));
      const { d: _d, x5c: _x, ...pub } = key;
      const fromJwk = createPublicKey({ key: pub as never, format: 'jwk' }).export({ type: 'spki', format: 'der' });
      const fromCert = cert.publicKey.export({ type: 'spki', format: 'der' });
      return fromJwk.equals(fromCert) ? undefined : 'the first x5c certificate holds another public key';
    } catch (error) {
      return `x5c cannot be read: ${(error as Error).message}`;
    }
  });
}

/** RFC 7517 §4.5: keys within a set SHOULD have distinct kids (the same kid for another kty is allowed). */
export function duplicateKids(keys: Jwk[]): string[] {
  const seen = new Map<string, number>();
  for (const key of keys) {
    if (typeof key.kid !== 'string') continue;
    const id = `${String(key.kty)} ${key.kid}`;
    seen.set(id, (seen.get(id) ?? 0) + 1);
  }
  return [...seen].filter(([, n]) => n > 1).map(([id, n]) => `kid "${id.split(' ').slice(1).join(' ')}" (${id.split(' ')[0]}) on ${n} keys`);
}

/** The key type a JWS algorithm needs (RFC 7518 §3.1, RFC 8037 §3.1); undefined for none and HMAC. */
export function keyTypeFor(alg: string): string | undefined {
  if (/^(RS|PS)\d+$/.test(alg)) return 'RSA';
  if (/^ES\d+K?$/.test(alg)) return 'EC';
  if (alg === 'EdDSA' || alg === 'Ed25519') return 'OKP';
  return undefined;
}
