/**
 * Proofs of the faults in reference-server/config/faults/ldap.ts. Each acts only on users whose
 * username or DN holds a character that needs escaping, or whose consent-group membership
 * changes during a run; only the LDAP consent suite signs such users in (the other flows sign
 * in the role "user", whose username and DN need no escaping), so it is the flow that sees them.
 */
import type { FaultProof } from '../support/catalogue.ts';

const consent = 'authorization-code-ldap-consent';
/** The four filter faults change one escape: double escaping would re-escape the * another leaves as typed. */
const filterEscaping = 'ldap-filter-escaping';

export const ldapProofs: FaultProof[] = [
  {
    fault: 'ldapFilterWildcardUnescaped',
    flows: [consent],
    group: filterEscaping,
    expected: [{
      id: `${consent}/authorize/wildcard-username-does-not-sign-in`,
      step: 'Request authorization',
      detail: /^the sign-in as "\w+\*" with \w+'s password was accepted/,
    }],
  },
  {
    fault: 'ldapFilterParensUnescaped',
    flows: [consent],
    group: filterEscaping,
    expected: [{
      id: `${consent}/authorize/filter-closing-username-does-not-sign-in`,
      step: 'Request authorization',
      detail: /^the sign-in as "\w+\)\(objectClass=top" with \w+'s password was accepted/,
    }, {
      // The metacharacter user's own username no longer makes a valid filter.
      id: `${consent}/authorize/metacharacter-username-signs-in`,
      step: 'Request authorization',
      detail: /^expected a redirect to the client/,
    }],
  },
  {
    fault: 'ldapFilterBackslashUnescaped',
    flows: [consent],
    group: filterEscaping,
    expected: [{
      id: `${consent}/authorize/filter-escape-username-does-not-sign-in`,
      step: 'Request authorization',
      detail: /^the sign-in as "\\\\61\w+" with \w+'s password was accepted/,
    }, {
      id: `${consent}/authorize/metacharacter-username-signs-in`,
      step: 'Request authorization',
      detail: /^expected a redirect to the client/,
    }],
  },
  {
    fault: 'ldapFilterDoubleEscaped',
    flows: [consent],
    group: filterEscaping,
    expected: [{
      id: `${consent}/authorize/metacharacter-username-signs-in`,
      step: 'Request authorization',
      detail: /^expected a redirect to the client, the browser stopped on the sign-in page again/,
    }],
  },
  {
    fault: 'consentMembershipCached',
    flows: [consent],
    expected: [{
      id: `${consent}/verify-consent/user-taken-out-consent-group-refused-next`,
      step: 'Verify consent',
      detail: /^error at \S+: expected "access_denied", got no error/,
    }],
  },
  {
    fault: 'workerUnescapesDnValues',
    flows: [consent],
    expected: [{
      id: `${consent}/confirm/consent-member-escaped-dn-confirmed`,
      step: 'Confirm',
      detail: /access_denied/,
    }, {
      id: `${consent}/confirm/consent-member-dn-leading-hash-trailing-space-confirmed`,
      step: 'Confirm',
      detail: /access_denied/,
    }],
  },
];
