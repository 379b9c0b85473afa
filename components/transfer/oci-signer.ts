// The OCI request signature for the object bodies sent over node:http(s) (oci-http.ts), with the
// private key parsed once instead of for every request. The SDK's DefaultRequestSigner hands a PEM
// to OpenSSL on every call (through sshpk and http-signature): 0.79 ms per request against 0.22 ms
// with a parsed key, and in bench:sync's profile its `sign` was the engine's largest single cost
// (docs/sync.md). The signature itself is the SDK's, byte for byte (RSA PKCS#1 v1.5 is
// deterministic, and test/transfer/transfer-oci-signer.test.ts compares every header with the SDK's):
//   headers "x-date (request-target) host", rsa-sha256, `Signature version="1",keyId=...`.
// Only requests whose body is not signed come here (GetObject; PutObject and UploadPart, whose
// bodies the SDK leaves out of the signature too). Whatever this does not handle goes to the SDK's
// signer unchanged: providers that delegate (getAuthType/getProvider: Cloud Shell, a config
// profile with auth_type) and keys Node cannot read as RSA.
import * as crypto from "crypto";
import { parse as parseUrl } from "url";
import type * as ociCommon from "oci-common";

/** What oci-http.ts needs from a signer (DefaultRequestSigner has the same method). */
export interface BodyRequestSigner {
  /** Signs a request whose body is not part of the signature. */
  signHttpRequest(request: ociCommon.HttpRequest, forceExcludeBody: true): Promise<void>;
}

const SIGNED_HEADERS = ["x-date", "(request-target)", "host"];

interface ParsedKey {
  pem: string;
  passphrase: string | null;
  key: crypto.KeyObject;
}

export class KeyCachingRequestSigner implements BodyRequestSigner {
  /** Built on first need: its constructor parses the key with sshpk, which the common case never uses. */
  private sdkSignerInstance: ociCommon.DefaultRequestSigner | undefined;
  private readonly delegates: boolean;
  private parsed: ParsedKey | undefined;
  /** The last key that Node could not read as RSA: it goes to the SDK's signer. */
  private unreadablePem: string | undefined;

  constructor(private readonly provider: ociCommon.AuthenticationDetailsProvider) {
    const p = provider as { getAuthType?: () => unknown; getProvider?: () => unknown };
    this.delegates = Boolean(p.getAuthType?.() || p.getProvider?.());
  }

  private sdkSigner(): ociCommon.DefaultRequestSigner {
    const common: typeof ociCommon = require("oci-common");
    return (this.sdkSignerInstance ??= new common.DefaultRequestSigner(this.provider));
  }

  async signHttpRequest(request: ociCommon.HttpRequest, forceExcludeBody: true): Promise<void> {
    if (this.delegates) return this.sdkSigner().signHttpRequest(request, forceExcludeBody);
    // The key id first: for instance principals and session tokens it refreshes the token, and
    // with it the session key that getPrivateKey() returns next (the SDK's order).
    const keyId = await this.provider.getKeyId();
    const key = this.keyFor(this.provider.getPrivateKey(), this.provider.getPassphrase());
    if (!key) return this.sdkSigner().signHttpRequest(request, forceExcludeBody);
    // The SDK's URL parser, so that host and path are the strings its signer would sign.
    const url = parseUrl(request.uri);
    if (!request.headers.has("host")) {
      if (!url.host) throw new Error(`Cannot sign a request to ${request.uri}: it has no host.`);
      request.headers.set("host", url.host);
    }
    if (!request.headers.has("x-date")) request.headers.set("x-date", new Date().toUTCString());
    // Unsigned, but the SDK's http-signature adds it too.
    if (!request.headers.has("date")) request.headers.set("date", new Date().toUTCString());
    const target = `${request.method.toLowerCase()} ${url.path}`;
    const signingString = SIGNED_HEADERS.map((name) => (name === "(request-target)" ? `${name}: ${target}` : `${name}: ${request.headers.get(name)}`)).join("\n");
    const signature = crypto.sign("sha256", Buffer.from(signingString), key).toString("base64");
    request.headers.set("authorization", `Signature version="1",keyId="${keyId}",algorithm="rsa-sha256",headers="${SIGNED_HEADERS.join(" ")}",signature="${signature}"`);
  }

  /** The parsed key for this PEM (parsed again only when the provider's key changes), or undefined for the SDK's signer. */
  private keyFor(pem: string, passphrase: string | null): crypto.KeyObject | undefined {
    if (this.parsed && this.parsed.pem === pem && this.parsed.passphrase === passphrase) return this.parsed.key;
    if (pem === this.unreadablePem) return undefined;
    try {
      const key = crypto.createPrivateKey({ key: pem, format: "pem", passphrase: passphrase ?? undefined });
      if (key.asymmetricKeyType !== "rsa") throw new Error(`a ${key.asymmetricKeyType} key`);
      this.parsed = { pem, passphrase, key };
      return key;
    } catch {
      // Formats sshpk reads and Node does not (or not RSA): the SDK signs, and reports any error.
      this.unreadablePem = pem;
      return undefined;
    }
  }
}
