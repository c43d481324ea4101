/** Faults of Request Objects (RFC 9101, JAR) (see ../faults.ts): each breaks exactly one rule, at one place marked `FAULT <name>`. */
export const jarFaults = {
  requestObjectQueryParamsPreferred: 'parameters sent beside a Request Object override the ones inside it (breaks RFC 9101 §6.3)',
  requestObjectAnyKeyAccepted: 'a Request Object whose signature no key of the client verifies is accepted (breaks RFC 9101 §6.2)',
  requestObjectAlgNoneAccepted: 'an unsigned Request Object (alg none) is accepted, also from a client registered with require_signed_request_object (breaks RFC 9101 §10.5)',
  requestObjectClientIdUnchecked: 'the client_id inside a Request Object is not compared with the client_id of the request (breaks RFC 9101 §6.3)',
  requestObjectExpiryIgnored: 'an expired Request Object is accepted (breaks RFC 7519 §4.1.4)',
  signedRequestObjectNotRequired: 'a plain authorization request from a client registered with require_signed_request_object is answered (breaks RFC 9101 §10.5)',
  requestObjectsIgnoredUnadvertised: 'the metadata says request_parameter_supported false and a request parameter is ignored instead of refused with request_not_supported (breaks OIDC Core §6.1)',
  requestUrisIgnoredUnadvertised: 'the metadata says request_uri_parameter_supported false and a request_uri is ignored instead of refused with request_uri_not_supported (breaks OIDC Core §6.2)',
  requestObjectsRefused: 'every Request Object is refused with invalid_request_object, though the metadata says request_parameter_supported (breaks RFC 9101 §6)',
  requestObjectStateDropped: 'the state inside a Request Object is not returned in the response (breaks RFC 6749 §4.1.2)',
  requestObjectPkceDropped: 'the code_challenge inside a Request Object is not kept with the code, so its code_verifier is refused (breaks RFC 7636 §4.4)',
  requestUriRefused: 'no request_uri is fetched, not even one the client registered, though the metadata says request_uri_parameter_supported (breaks RFC 9101 §5.2.3)',
} as const;
