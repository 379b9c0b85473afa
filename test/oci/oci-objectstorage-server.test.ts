import * as crypto from "crypto";
import { Readable } from "stream";
import * as common from "oci-common";
import * as os from "oci-objectstorage";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OciStore } from "../../components/transfer/oci-store";
import { withSdkErrorsHandled } from "../../components/oci/sdk-warnings";
import { multipartChecksum } from "../../components/transfer/store";
import { makeOciTestAuth } from "../support/oci-signature";
import { OciObjectStorageServer } from "../support/oci-objectstorage-server";

// The real oci-objectstorage client against the test server: the server must speak the API the
// SDK expects, and the store must hide the SDK's quirks (encoding, pagination, checksum forms).
const auth = makeOciTestAuth();
const stranger = makeOciTestAuth();
const awkward = ["plain", "with space", "a&b=c", "plus+sign", "hash#tag", "per%cent", "ünïcødé/κλειδί", "q?x", "dir/sub/leaf", "tab\tkey"];

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

function md5(data: Buffer): string {
  return crypto.createHash("md5").update(data).digest("hex");
}

describe("OCI Object Storage test server with the real SDK client", () => {
  let server: OciObjectStorageServer;
  let store: OciStore;
  let rawClient: os.ObjectStorageClient;

  beforeAll(async () => {
    server = new OciObjectStorageServer({ buckets: ["data"], publicKeys: new Map([[auth.keyId, auth.publicKey]]) });
    const endpoint = await server.start();
    // The tests assert every refusal they cause: the SDK's own error lines would only be noise.
    store = withSdkErrorsHandled(new OciStore({ bucket: "data", prefix: "tenant-a", endpoint, auth: { kind: "provider", provider: auth.provider }, listPageSize: 3 }));
    rawClient = withSdkErrorsHandled(new os.ObjectStorageClient({ authenticationDetailsProvider: auth.provider }, {
      retryConfiguration: { terminationStrategy: new common.MaxAttemptsTerminationStrategy(1) },
      circuitBreaker: new common.CircuitBreaker({ disableClientCircuitBreaker: true }),
    }));
    rawClient.endpoint = endpoint;
  });
  afterAll(() => server.close());

  it("answers the namespace, and refuses a caller whose key it does not know", async () => {
    expect(await store.namespace()).toBe("testns");
    const other = withSdkErrorsHandled(new OciStore({ bucket: "data", endpoint: server.endpoint, auth: { kind: "provider", provider: stranger.provider } }));
    await expect(other.namespace()).rejects.toMatchObject({ statusCode: 401, serviceCode: "NotAuthenticated" });
  });

  it("puts, heads, gets and lists awkward keys across pages, with prefix isolation", async () => {
    for (const key of awkward) {
      const data = Buffer.from(`body of ${key}`);
      const result = await store.put(key, Readable.from([data]), { size: data.length, md5: md5(data), metadata: { "tundra-source-etag": `e-${awkward.indexOf(key)}` } });
      expect(result.md5).toBe(md5(data));
    }
    // Outside the prefix: must not show up.
    await new OciStore({ bucket: "data", prefix: "tenant-b", endpoint: server.endpoint, auth: { kind: "provider", provider: auth.provider } })
      .put("plain", Readable.from([Buffer.from("x")]), { size: 1, md5: md5(Buffer.from("x")) });
    const listed = [];
    for await (const info of store.list()) listed.push(info);
    expect(listed.map((l) => l.key).sort()).toEqual([...awkward].sort());
    for (const info of listed) {
      const data = Buffer.from(`body of ${info.key}`);
      expect(info.size).toBe(data.length);
      expect(info.md5).toBe(md5(data));
      expect(await readAll(await store.get(info.key))).toEqual(data);
      const head = await store.head(info.key);
      expect(head?.metadata["tundra-source-etag"]).toBe(`e-${awkward.indexOf(info.key)}`);
      expect(head?.md5).toBe(md5(data));
    }
    expect(await store.head("does not exist")).toBeUndefined();
    // Listing pages of 3 means several requests, each with an encoded start.
    expect(server.requests.filter((r) => r.method === "GET" && r.url.includes("/o?")).length).toBeGreaterThanOrEqual(4);
  });

  it("serves byte ranges and refuses a stale If-Match", async () => {
    const data = crypto.randomBytes(1000);
    await store.put("ranged", Readable.from([data]), { size: data.length, md5: md5(data) });
    expect(await readAll(await store.get("ranged", { start: 100, end: 199 }))).toEqual(data.subarray(100, 200));
    expect(await readAll(await store.get("ranged", { start: 990, end: 999 }))).toEqual(data.subarray(990));
    await expect(store.get("ranged", undefined, { ifMatch: "not-the-etag" })).rejects.toMatchObject({ statusCode: 412 });
  });

  it("rejects a body whose Content-MD5 does not match with 400", async () => {
    const data = Buffer.from("the real bytes");
    await expect(store.put("bad-md5", Readable.from([data]), { size: data.length, md5: md5(Buffer.from("other bytes")) }))
      .rejects.toMatchObject({ statusCode: 400, serviceCode: "UnmatchedContentMD5" });
    expect(await store.head("bad-md5")).toBeUndefined();
  });

  it("multipart: upload, list open uploads, commit with the multipart MD5, abort", async () => {
    const parts = [crypto.randomBytes(3000), crypto.randomBytes(3000), crypto.randomBytes(123)];
    const uploadId = await store.multipart.create("big & large", { "tundra-source-etag": "src-1" });
    const open = [];
    for await (const u of store.multipart.listOpen()) open.push(u);
    expect(open).toContainEqual(expect.objectContaining({ key: "big & large", uploadId }));
    const uploaded = [];
    let offset = 0;
    for (const [i, part] of parts.entries()) {
      const { etag } = await store.multipart.uploadPart("big & large", uploadId, i + 1, Readable.from([part]), { size: part.length, md5: md5(part), offset });
      uploaded.push({ partNumber: i + 1, etag, md5: md5(part), size: part.length });
      offset += part.length;
    }
    const parts1 = await rawClient.listMultipartUploadParts({ namespaceName: "testns", bucketName: "data", objectName: "tenant-a/big & large", uploadId });
    expect(parts1.items.map((p) => p.partNumber)).toEqual([1, 2, 3]);
    const committed = await store.multipart.complete("big & large", uploadId, uploaded);
    expect(committed.checksum).toBe(multipartChecksum(uploaded.map((p) => p.md5)));
    const whole = Buffer.concat(parts);
    expect(await readAll(await store.get("big & large"))).toEqual(whole);
    const head = await store.head("big & large");
    expect(head).toMatchObject({ size: whole.length, checksum: committed.checksum });
    expect(head?.md5).toBeUndefined(); // a multipart MD5 is not a content MD5
    expect(head?.metadata["tundra-source-etag"]).toBe("src-1");
    const listed = [];
    for await (const info of store.list()) if (info.key === "big & large") listed.push(info);
    expect(listed[0].checksum).toBe(committed.checksum);
    expect(listed[0].md5).toBeUndefined();

    const abandoned = await store.multipart.create("abandoned", {});
    await store.multipart.abort("abandoned", abandoned);
    expect(server.openUploads()).toEqual([]);
    await expect(store.multipart.uploadPart("abandoned", abandoned, 1, Readable.from([Buffer.from("x")]), { size: 1, md5: md5(Buffer.from("x")), offset: 0 }))
      .rejects.toMatchObject({ statusCode: 404 });
  });

  it("answers JSON errors the SDK understands (404 ObjectNotFound, BucketNotFound)", async () => {
    await expect(rawClient.getObject({ namespaceName: "testns", bucketName: "data", objectName: "nope" })).rejects.toMatchObject({ statusCode: 404, serviceCode: "ObjectNotFound" });
    await expect(rawClient.listObjects({ namespaceName: "testns", bucketName: "nobucket" })).rejects.toMatchObject({ statusCode: 404, serviceCode: "BucketNotFound" });
  });

  it("deletes", async () => {
    await store.delete("plain");
    expect(await store.head("plain")).toBeUndefined();
    await store.delete("plain"); // idempotent
  });
});
