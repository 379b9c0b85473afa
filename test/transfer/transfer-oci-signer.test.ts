import * as crypto from "crypto";
import * as common from "oci-common";
import { describe, expect, it } from "vitest";
import { KeyCachingRequestSigner } from "../../components/transfer/oci-signer";

// The body requests' signer (oci-signer.ts) against the SDK's DefaultRequestSigner: RSA PKCS#1 v1.5
// signatures are deterministic, so with the same date both must set the same headers, byte for byte.

const X_DATE = "Mon, 23 Nov 2026 20:00:00 GMT";

function rsaPem(passphrase?: string): { pem: string; publicKey: crypto.KeyObject } {
  const { publicKey, privateKey } = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
  const pem = passphrase
    ? privateKey.export({ type: "pkcs8", format: "pem", cipher: "aes-256-cbc", passphrase }).toString()
    : privateKey.export({ type: "pkcs1", format: "pem" }).toString();
  return { pem, publicKey };
}

/** A request as composeRequest makes it for oci-http.ts (path already encoded by the SDK). */
async function composed(method: "GET" | "PUT", objectName: string, extra: Record<string, string> = {}): Promise<common.HttpRequest> {
  const request = await common.composeRequest({
    baseEndpoint: "https://objectstorage.us-ashburn-1.oraclecloud.com",
    defaultHeaders: {},
    path: "/n/{namespaceName}/b/{bucketName}/o/{objectName}",
    method,
    pathParams: { "{namespaceName}": "ns", "{bucketName}": "tenant", "{objectName}": objectName },
    headerParams: extra,
    queryParams: method === "PUT" ? { uploadId: "u-1", uploadPartNum: 3 } : {},
  });
  request.headers.set("x-date", X_DATE);
  if (method === "PUT") request.headers.set("content-length", "1048576");
  return request;
}

function headersOf(request: common.HttpRequest): Record<string, string> {
  const out: Record<string, string> = {};
  request.headers.forEach((value: string, name: string) => (out[name] = value));
  return out;
}

/** Signs the same request with both signers and returns both header sets. */
async function bothSign(provider: common.AuthenticationDetailsProvider, cached: KeyCachingRequestSigner, method: "GET" | "PUT", objectName: string) {
  // One request, two copies: composeRequest gives each request its own id and date.
  const ours = await composed(method, objectName, { "if-match": '"etag-1"' });
  const sdks = { ...ours, headers: new Headers(ours.headers) };
  await cached.signHttpRequest(ours, true);
  await new common.DefaultRequestSigner(provider).signHttpRequest(sdks, true);
  // Both add an unsigned "date" of their own clock's second.
  const { date: ourDate, ...ourHeaders } = headersOf(ours);
  const { date: sdkDate, ...sdkHeaders } = headersOf(sdks);
  expect(Math.abs(Date.parse(ourDate) - Date.parse(sdkDate))).toBeLessThanOrEqual(1_000);
  return { ours: ourHeaders, sdk: sdkHeaders };
}

/** Checks the signature in an Authorization header with a public key, as the service would. */
function verifies(headers: Record<string, string>, method: string, path: string, publicKey: crypto.KeyObject): boolean {
  const signature = /signature="([^"]+)"/.exec(headers.authorization)![1];
  const signing = `x-date: ${headers["x-date"]}\n(request-target): ${method.toLowerCase()} ${path}\nhost: ${headers.host}`;
  return crypto.verify("sha256", Buffer.from(signing), publicKey, Buffer.from(signature, "base64"));
}

const awkwardNames = ["tables/t0/part-0001.parquet", "a b&c+d#e%f/ü 雪.bin", "_tundra/receipts/node-1.json"];

describe("OCI body request signer: the SDK's signature with the key parsed once", () => {
  it("sets the same headers as DefaultRequestSigner for GETs and unsigned-body PUTs, awkward names included", async () => {
    const { pem, publicKey } = rsaPem();
    const provider = new common.SimpleAuthenticationDetailsProvider("ocid1.tenancy.oc1..t", "ocid1.user.oc1..u", "aa:bb:cc", pem, null, common.Region.US_ASHBURN_1);
    const signer = new KeyCachingRequestSigner(provider);
    for (const name of awkwardNames) {
      for (const method of ["GET", "PUT"] as const) {
        const { ours, sdk } = await bothSign(provider, signer, method, name);
        expect(ours).toEqual(sdk);
        expect(ours.authorization).toMatch(/^Signature version="1",keyId="ocid1\.tenancy\.oc1\.\.t\/ocid1\.user\.oc1\.\.u\/aa:bb:cc",algorithm="rsa-sha256",headers="x-date \(request-target\) host",signature="/);
        const path = new URL((await composed(method, name)).uri).pathname + (method === "PUT" ? "?uploadId=u-1&uploadPartNum=3" : "");
        expect(verifies(ours, method, path, publicKey)).toBe(true);
      }
    }
  });

  it("adds host and x-date when the request has none, as the SDK does", async () => {
    const { pem, publicKey } = rsaPem();
    const provider = new common.SimpleAuthenticationDetailsProvider("t", "u", "f", pem, null, common.Region.US_ASHBURN_1);
    const request = await common.composeRequest({ baseEndpoint: "http://127.0.0.1:8080", defaultHeaders: {}, path: "/n/ns/b/b/o/k", method: "GET", pathParams: {}, headerParams: {}, queryParams: {} });
    const before = Date.now();
    await new KeyCachingRequestSigner(provider).signHttpRequest(request, true);
    const headers = headersOf(request);
    expect(headers.host).toBe("127.0.0.1:8080");
    expect(Math.abs(Date.parse(headers["x-date"]) - before)).toBeLessThan(5_000);
    expect(verifies(headers, "GET", "/n/ns/b/b/o/k", publicKey)).toBe(true);
  });

  it("reads a passphrase-protected key like the SDK", async () => {
    const { pem } = rsaPem("s3cret");
    const provider = new common.SimpleAuthenticationDetailsProvider("t", "u", "f", pem, "s3cret", common.Region.US_ASHBURN_1);
    const { ours, sdk } = await bothSign(provider, new KeyCachingRequestSigner(provider), "GET", "k");
    expect(ours).toEqual(sdk);
  });

  it("follows a provider whose session key rotates (instance principals, session tokens): each request is signed with the key of its token", async () => {
    const keys = [rsaPem(), rsaPem()];
    let current = 0;
    // Like the SDK's instance-principal provider: getKeyId() refreshes the token and the key with it.
    let refreshDue = false;
    const provider: common.AuthenticationDetailsProvider = {
      getKeyId: async () => {
        if (refreshDue) {
          current = 1;
          refreshDue = false;
        }
        return `ST$token-${current}`;
      },
      getPrivateKey: () => keys[current].pem,
      getPassphrase: () => null,
    };
    const signer = new KeyCachingRequestSigner(provider);
    const first = await bothSign(provider, signer, "GET", "k");
    expect(first.ours).toEqual(first.sdk);
    expect(first.ours.authorization).toContain('keyId="ST$token-0"');
    expect(verifies(first.ours, "GET", "/n/ns/b/tenant/o/k", keys[0].publicKey)).toBe(true);

    refreshDue = true;
    const request = await composed("GET", "k");
    await signer.signHttpRequest(request, true);
    const rotated = headersOf(request);
    expect(rotated.authorization).toContain('keyId="ST$token-1"');
    expect(verifies(rotated, "GET", "/n/ns/b/tenant/o/k", keys[1].publicKey)).toBe(true);
    expect(verifies(rotated, "GET", "/n/ns/b/tenant/o/k", keys[0].publicKey)).toBe(false);
    const again = await bothSign(provider, signer, "PUT", "k");
    expect(again.ours).toEqual(again.sdk);
  });

  it("leaves delegating providers to the SDK's signer (a delegation token is sent and signed)", async () => {
    const { pem } = rsaPem();
    // The shape of a Cloud Shell config profile: an auth type and a delegation token.
    const provider = {
      getKeyId: async () => "t/u/f",
      getPrivateKey: () => pem,
      getPassphrase: () => null,
      getAuthType: () => "cloud_shell",
      getDelegationToken: () => "delegation-token-1",
    } as unknown as common.AuthenticationDetailsProvider;
    const { ours, sdk } = await bothSign(provider, new KeyCachingRequestSigner(provider), "GET", "k");
    expect(ours).toEqual(sdk);
    expect(ours["opc-obo-token"]).toBe("delegation-token-1");
    expect(ours.authorization).toContain('headers="x-date (request-target) host opc-obo-token"');
  });

  it("leaves keys that are not RSA to the SDK's signer", async () => {
    const { privateKey } = crypto.generateKeyPairSync("ec", { namedCurve: "prime256v1" });
    const pem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    const provider = new common.SimpleAuthenticationDetailsProvider("t", "u", "f", pem, null, common.Region.US_ASHBURN_1);
    const request = await composed("GET", "k");
    await new KeyCachingRequestSigner(provider).signHttpRequest(request, true);
    // ECDSA signatures are not deterministic: the SDK's signer is recognised by its algorithm.
    expect(headersOf(request).authorization).toContain('algorithm="ecdsa-sha256"');
  });
});
