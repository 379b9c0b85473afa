// Stack config must never hold credentials: instances authenticate as instance principals,
// operators through the OCI CLI config or a session token. This scan names any value that
// looks like key material, and any key whose name says it is one.

const CREDENTIAL_KEY = /(private_?key|pass(word|phrase)|secret|fingerprint|api_?key|access_?key|auth_?token|session_?token)/i;
// A reference to a secret kept elsewhere (a Vault secret OCID, an AWS secret ARN) is fine.
const REFERENCE_KEY = /(Id|Ocid|Arn|Name)$/;

/** Whether a config key's name says its value is a credential. */
export function isCredentialKey(name: string): boolean {
  return CREDENTIAL_KEY.test(name) && !REFERENCE_KEY.test(name);
}
const CREDENTIAL_VALUE = [
  { pattern: /-----BEGIN [A-Z ]*PRIVATE KEY-----/, what: "a PEM private key" },
  { pattern: /\bAKIA[0-9A-Z]{16}\b/, what: "an AWS access key id" },
  { pattern: /^ocid1\.(user|credential)\./, what: "a user or credential OCID (nodes use instance principals)" },
];

export interface CredentialFinding {
  /** [section, ...path] */
  path: PropertyKey[];
  reason: string;
}

export function findCredentials(value: unknown, path: PropertyKey[] = []): CredentialFinding[] {
  if (typeof value === "string") {
    const hit = CREDENTIAL_VALUE.find((c) => c.pattern.test(value));
    return hit ? [{ path, reason: `looks like ${hit.what}: credentials never go in stack config (see docs/foundation.md, "Authentication")` }] : [];
  }
  if (Array.isArray(value)) return value.flatMap((v, i) => findCredentials(v, [...path, i]));
  if (value !== null && typeof value === "object") {
    return Object.entries(value).flatMap(([k, v]) => {
      const here = [...path, k];
      if (isCredentialKey(k)) {
        return [{ path: here, reason: "credentials never go in stack config: use an OCI CLI profile, instance principal or session token (see docs/foundation.md, \"Authentication\")" }];
      }
      return findCredentials(v, here);
    });
  }
  return [];
}
