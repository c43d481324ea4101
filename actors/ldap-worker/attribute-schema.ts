/**
 * Attribute OIDs and their names. ldapts answers a search by attribute *name* even when it
 * asked by OID, so the worker maps names back to the OIDs it was configured with. The
 * server's own subschema (RFC 4512 §4.2, attributeTypes) is the authority; a built-in table
 * of the standard types is the fallback when the subschema cannot be read.
 */
import { ResultCodeError, type Client } from 'ldapts';

export interface AttributeTypeInfo {
  oid: string;
  names: string[];
  /** The supertype, by name or OID (RFC 4512 §4.1.2 SUP). */
  sup?: string;
}

export const numericOid = /^(0|[1-9]\d*)(\.(0|[1-9]\d*))+$/;

/** Standard types (RFC 4519, RFC 4524, RFC 2307, the memberof overlay's memberOf). */
export const builtInAttributeTypes: AttributeTypeInfo[] = [
  { oid: '2.5.4.0', names: ['objectClass'] },
  { oid: '2.5.4.41', names: ['name'] },
  { oid: '2.5.4.49', names: ['distinguishedName'] },
  { oid: '2.5.4.3', names: ['cn', 'commonName'], sup: 'name' },
  { oid: '2.5.4.4', names: ['sn', 'surname'], sup: 'name' },
  { oid: '2.5.4.42', names: ['givenName', 'gn'], sup: 'name' },
  { oid: '2.5.4.7', names: ['l', 'localityName'], sup: 'name' },
  { oid: '2.5.4.10', names: ['o', 'organizationName'], sup: 'name' },
  { oid: '2.5.4.11', names: ['ou', 'organizationalUnitName'], sup: 'name' },
  { oid: '2.5.4.12', names: ['title'], sup: 'name' },
  { oid: '2.5.4.13', names: ['description'] },
  { oid: '2.5.4.15', names: ['businessCategory'] },
  { oid: '2.5.4.20', names: ['telephoneNumber'] },
  { oid: '2.5.4.31', names: ['member'], sup: 'distinguishedName' },
  { oid: '2.5.4.32', names: ['owner'], sup: 'distinguishedName' },
  { oid: '2.5.4.34', names: ['seeAlso'], sup: 'distinguishedName' },
  { oid: '2.5.4.50', names: ['uniqueMember'] },
  { oid: '0.9.2342.19200300.100.1.1', names: ['uid', 'userid'] },
  { oid: '0.9.2342.19200300.100.1.3', names: ['mail', 'rfc822Mailbox'] },
  { oid: '0.9.2342.19200300.100.1.25', names: ['dc', 'domainComponent'] },
  { oid: '2.16.840.1.113730.3.1.241', names: ['displayName'] },
  { oid: '1.3.6.1.1.1.1.1', names: ['gidNumber'] },
  { oid: '1.3.6.1.1.1.1.12', names: ['memberUid'] },
  { oid: '1.2.840.113556.1.2.102', names: ['memberOf'] },
  { oid: '1.3.6.1.1.16.4', names: ['entryUUID'] },
  { oid: '2.5.18.1', names: ['createTimestamp'] },
  { oid: '2.5.18.2', names: ['modifyTimestamp'] },
];

/**
 * Reads one AttributeTypeDescription (RFC 4512 §4.1.2), e.g.
 * `( 2.5.4.3 NAME ( 'cn' 'commonName' ) DESC '...' SUP name )`. Only OID, NAME and SUP matter here.
 */
export function parseAttributeTypeDescription(text: string): AttributeTypeInfo | undefined {
  const head = /^\s*\(\s*([0-9.]+)\s/.exec(text);
  if (!head || !numericOid.test(head[1])) return undefined;
  const info: AttributeTypeInfo = { oid: head[1], names: [] };
  const names = /\sNAME\s+(?:'([^']*)'|\(\s*((?:'[^']*'\s*)+)\))/.exec(text);
  if (names) info.names = names[1] !== undefined ? [names[1]] : [...names[2].matchAll(/'([^']*)'/g)].map((m) => m[1]);
  const sup = /\sSUP\s+([A-Za-z0-9.-]+)/.exec(text);
  if (sup) info.sup = sup[1];
  return info;
}

export class AttributeSchema {
  readonly #byOid = new Map<string, AttributeTypeInfo>();
  readonly #oidByName = new Map<string, string>();

  constructor(types: AttributeTypeInfo[], readonly source: 'server' | 'built-in') {
    for (const type of types) {
      this.#byOid.set(type.oid, type);
      for (const name of type.names) this.#oidByName.set(name.toLowerCase(), type.oid);
    }
  }

  has(oid: string): boolean {
    return this.#byOid.has(oid);
  }

  namesOf(oid: string): string[] {
    return this.#byOid.get(oid)?.names ?? [];
  }

  /** The OID of an attribute name or OID as a server writes it (case-insensitive; options like ";lang-en" ignored). */
  oidOf(description: string): string | undefined {
    const type = description.split(';')[0];
    if (numericOid.test(type)) return this.#byOid.has(type) ? type : undefined;
    return this.#oidByName.get(type.toLowerCase());
  }

  /**
   * Which requested OIDs an attribute returned as `description` answers: its own OID and every
   * requested supertype (a cn value is also a value of name, RFC 4512 §2.5.1).
   */
  requestedOidsFor(description: string, requested: ReadonlySet<string>): string[] {
    const found: string[] = [];
    const seen = new Set<string>();
    let oid = this.oidOf(description);
    while (oid !== undefined && !seen.has(oid)) {
      if (requested.has(oid)) found.push(oid);
      seen.add(oid);
      const sup = this.#byOid.get(oid)?.sup;
      oid = sup === undefined ? undefined : this.oidOf(sup);
    }
    return found;
  }
}

export const builtInSchema = new AttributeSchema(builtInAttributeTypes, 'built-in');

/**
 * Reads the server's attribute types from its subschema entry (named by the root DSE's
 * subschemaSubentry, RFC 4512 §5.1). Resolves undefined when the server refuses to show it;
 * network failures and timeouts are thrown, not mistaken for a missing schema.
 */
export async function readServerSchema(client: Client): Promise<AttributeSchema | undefined> {
  let subschemaDN = 'cn=Subschema';
  try {
    const root = await client.search('', { scope: 'base', filter: '(objectClass=*)', attributes: ['subschemaSubentry'] });
    const named = root.searchEntries[0]?.subschemaSubentry;
    if (typeof named === 'string' && named) subschemaDN = named;
  } catch (error) {
    // The server refused (an LDAP result code): try the usual name. A timeout or a dead socket is not hidden.
    if (!(error instanceof ResultCodeError)) throw error;
  }
  try {
    const { searchEntries } = await client.search(subschemaDN, { scope: 'base', filter: '(objectClass=subschema)', attributes: ['attributeTypes'] });
    const raw = searchEntries[0]?.attributeTypes;
    const descriptions = ([] as (string | Buffer)[]).concat(raw ?? []).map(String);
    const types = descriptions.map(parseAttributeTypeDescription).filter((t): t is AttributeTypeInfo => t !== undefined);
    return types.length > 0 ? new AttributeSchema(types, 'server') : undefined;
  } catch (error) {
    if (!(error instanceof ResultCodeError)) throw error;
    return undefined;
  }
}
