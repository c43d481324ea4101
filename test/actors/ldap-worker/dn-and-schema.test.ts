// RFC 4514 DN parsing and RFC 4512 attribute type descriptions, as pure logic.
import { describe, expect, it } from 'vitest';
import { isDN, isUnder, parseDN } from '../../../actors/ldap-worker/dn-syntax.ts';
import { AttributeSchema, builtInAttributeTypes, parseAttributeTypeDescription } from '../../../actors/ldap-worker/attribute-schema.ts';

describe('parseDN', () => {
  it('unescapes RFC 4514 values, hex pairs included', () => {
    expect(parseDN('cn=Smith\\, Dave \\+ Co,ou=people,dc=nauthera,dc=test')[0]).toEqual([{ type: 'cn', value: 'Smith, Dave + Co' }]);
    expect(parseDN('cn=Smith\\2C Dave \\2B Co,dc=x')[0]).toEqual([{ type: 'cn', value: 'Smith, Dave + Co' }]);
    expect(parseDN('CN=a+UID=b,dc=x')[0]).toEqual([{ type: 'cn', value: 'a' }, { type: 'uid', value: 'b' }]);
    expect(parseDN('2.5.4.3=caf\\C3\\A9,dc=x')[0]).toEqual([{ type: '2.5.4.3', value: 'café' }]);
    expect(parseDN('')).toEqual([]);
  });

  it.each(['cn', 'cn=a,,dc=x', 'cn=a,dc=', 'c n=a', 'cn=a"b', 'cn=a;b', 'cn=a\\q', 'cn=a\\'])('rejects %s', (dn) => {
    expect(isDN(dn)).toBe(false);
  });

  it('compares DNs by value, not by spelling', () => {
    expect(isUnder('cn=Smith\\2C Dave,OU=Groups,DC=Nauthera,dc=test', 'ou=groups,dc=nauthera,dc=test')).toBe(true);
    expect(isUnder('cn=x,dc=other,dc=test', 'dc=nauthera,dc=test')).toBe(false);
    expect(isUnder('dc=test', 'dc=nauthera,dc=test')).toBe(false);
    expect(isUnder('cn=x,dc=test', '')).toBe(true);
  });
});

describe('attribute types', () => {
  it('reads OID, names and supertype from a description', () => {
    expect(parseAttributeTypeDescription("( 2.5.4.3 NAME ( 'cn' 'commonName' ) DESC 'RFC4519: common name(s)' SUP name )"))
      .toEqual({ oid: '2.5.4.3', names: ['cn', 'commonName'], sup: 'name' });
    expect(parseAttributeTypeDescription("( 2.5.4.13 NAME 'description' EQUALITY caseIgnoreMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15{1024} )"))
      .toEqual({ oid: '2.5.4.13', names: ['description'] });
    expect(parseAttributeTypeDescription("( olcFoo NAME 'x' )")).toBeUndefined();
  });

  it('maps returned names (any case, with options) back to every requested OID on the supertype chain', () => {
    const schema = new AttributeSchema(builtInAttributeTypes, 'built-in');
    const requested = new Set(['2.5.4.3', '2.5.4.41', '2.5.4.31']);
    expect(schema.requestedOidsFor('CommonName;lang-en', requested)).toEqual(['2.5.4.3', '2.5.4.41']);
    expect(schema.requestedOidsFor('sn', requested)).toEqual(['2.5.4.41']);
    expect(schema.requestedOidsFor('member', requested)).toEqual(['2.5.4.31']);
    expect(schema.requestedOidsFor('mail', requested)).toEqual([]);
    expect(schema.oidOf('memberOf')).toBe('1.2.840.113556.1.2.102');
  });
});
