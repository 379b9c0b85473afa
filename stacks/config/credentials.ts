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
  // RFC 3986 userinfo (`https://user:token@host`): a password or token inside a URL.
  { pattern: /\b[a-z][a-z0-9+.-]*:\/\/[^\/?#\s@]+@/i, what: "a URL with a user name or password in it (user:token@host)" },
];

export interface CredentialFinding {
  /** [section, ...path] */
  path: PropertyKey[];
  reason: string;
  /** The refused value: never printed, only used to redact it from every other message. */
  value: unknown;
}

export function findCredentials(value: unknown, path: PropertyKey[] = []): CredentialFinding[] {
  if (typeof value === "string") {
    const hit = CREDENTIAL_VALUE.find((c) => c.pattern.test(value));
    return hit ? [{ path, value, reason: `looks like ${hit.what}: credentials never go in stack config (see docs/foundation.md, "Authentication")` }] : [];
  }
  if (Array.isArray(value)) return value.flatMap((v, i) => findCredentials(v, [...path, i]));
  if (value !== null && typeof value === "object") {
    return Object.entries(value).flatMap(([k, v]) => {
      const here = [...path, k];
      if (isCredentialKey(k)) {
        return [{ path: here, value: v, reason: "credentials never go in stack config: use an OCI CLI profile, instance principal or session token (see docs/foundation.md, \"Authentication\")" }];
      }
      return findCredentials(v, here);
    });
  }
  return [];
}

/** Every string inside a value (the value itself when it is one). */
export function stringLeaves(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(stringLeaves);
  if (value !== null && typeof value === "object") return Object.values(value).flatMap(stringLeaves);
  return [];
}

export const REDACTED = "[redacted]";

/**
 * The message with every given value replaced by [redacted], as written and as JSON escapes it
 * (zod's messages quote the input with JSON.stringify, so a PEM's newlines appear as `\n`).
 * Each line of a multi-line value is redacted too, in case a message quotes only part of it.
 */
export function redact(message: string, values: readonly string[]): string {
  const forms = values
    .flatMap((v) => [v, JSON.stringify(v).slice(1, -1), ...v.split(/\r?\n/)])
    .filter((form) => form.trim().length >= 4)
    .sort((a, b) => b.length - a.length);
  return forms.reduce((text, form) => text.split(form).join(REDACTED), message);
}
