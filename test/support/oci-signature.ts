// OCI request signatures (draft-cavage HTTP signatures, as OCI documents them) for the test
// servers: they verify every request with the caller's public key like the real services, so a
// client that signs the wrong headers or body fails here as it would against OCI.
import * as crypto from "crypto";
import type { IncomingMessage } from "http";
import * as common from "oci-common";

/** A fresh API-key identity for an SDK client, and the public key a test server verifies with. */
export interface OciTestAuth {
  provider: common.SimpleAuthenticationDetailsProvider;
  keyId: string;
  publicKey: crypto.KeyObject;
}

export function makeOciTestAuth(region: common.Region = common.Region.US_ASHBURN_1): OciTestAuth {
  const { publicKey, privateKey } = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
  const der = publicKey.export({ type: "spki", format: "der" });
  const fingerprint = crypto.createHash("md5").update(der).digest("hex").match(/../g)!.join(":");
  const tenancy = `ocid1.tenancy.oc1..test${crypto.randomBytes(6).toString("hex")}`;
  const user = `ocid1.user.oc1..test${crypto.randomBytes(6).toString("hex")}`;
  const pem = privateKey.export({ type: "pkcs1", format: "pem" }).toString();
  const provider = new common.SimpleAuthenticationDetailsProvider(tenancy, user, fingerprint, pem, null, region);
  return { provider, keyId: `${tenancy}/${user}/${fingerprint}`, publicKey };
}

export type SignatureCheck = { ok: true; keyId: string } | { ok: false; reason: string };

/** The largest clock skew OCI accepts between the signed date and its own clock. */
const MAX_SKEW_MS = 5 * 60 * 1000;

function parseAuthorization(header: string): Record<string, string> | undefined {
  if (!header.startsWith("Signature ")) return undefined;
  const fields: Record<string, string> = {};
  for (const match of header.slice("Signature ".length).matchAll(/([a-zA-Z]+)="([^"]*)"/g)) {
    fields[match[1]] = match[2];
  }
  return fields;
}

/**
 * Verifies a request's signature. `body` is the request body as received; pass it whenever the
 * request may carry `x-content-sha256` (POST/PUT/PATCH with a signed body).
 */
export function verifyOciRequest(
  req: IncomingMessage,
  body: Buffer | undefined,
  publicKeys: ReadonlyMap<string, crypto.KeyObject>,
  now: number = Date.now(),
): SignatureCheck {
  const authorization = req.headers.authorization;
  if (!authorization) return { ok: false, reason: "The required information to complete authentication was not provided." };
  const fields = parseAuthorization(authorization);
  if (!fields || fields.version !== "1" || fields.algorithm !== "rsa-sha256" || !fields.keyId || !fields.signature) {
    return { ok: false, reason: "The Authorization header is not an OCI signature (version 1, rsa-sha256)." };
  }
  const key = publicKeys.get(fields.keyId);
  if (!key) return { ok: false, reason: `No public key is registered for keyId ${fields.keyId}.` };

  const signed = (fields.headers ?? "date").toLowerCase().split(" ");
  for (const required of ["(request-target)", "host"]) {
    if (!signed.includes(required)) return { ok: false, reason: `The signature does not cover ${required}.` };
  }
  if (!signed.includes("date") && !signed.includes("x-date")) return { ok: false, reason: "The signature covers no date." };

  const lines: string[] = [];
  for (const name of signed) {
    if (name === "(request-target)") {
      lines.push(`(request-target): ${req.method!.toLowerCase()} ${req.url}`);
      continue;
    }
    const value = req.headers[name];
    if (value === undefined) return { ok: false, reason: `Signed header ${name} is missing from the request.` };
    lines.push(`${name}: ${Array.isArray(value) ? value.join(", ") : value}`);
  }
  const valid = crypto.verify("sha256", Buffer.from(lines.join("\n")), key, Buffer.from(fields.signature, "base64"));
  if (!valid) return { ok: false, reason: "The signature does not match the request." };

  const date = Date.parse(String(req.headers["x-date"] ?? req.headers.date));
  if (!Number.isFinite(date) || Math.abs(now - date) > MAX_SKEW_MS) {
    return { ok: false, reason: "The request date is missing or more than 5 minutes away from the server's clock." };
  }
  if (signed.includes("x-content-sha256")) {
    const digest = crypto.createHash("sha256").update(body ?? Buffer.alloc(0)).digest("base64");
    if (digest !== req.headers["x-content-sha256"]) return { ok: false, reason: "x-content-sha256 does not match the body." };
  }
  return { ok: true, keyId: fields.keyId };
}

/** The body and status OCI answers to a request that fails authentication. */
export const NOT_AUTHENTICATED = { status: 401, code: "NotAuthenticated" } as const;
