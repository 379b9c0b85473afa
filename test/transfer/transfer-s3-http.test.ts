import * as crypto from "crypto";
import * as http from "http";
import type { AddressInfo } from "net";
import { Readable } from "stream";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { S3Store } from "../../components/transfer/s3-store";
import { S3ObjectTransport } from "../../components/transfer/s3-http";
import { keepAliveAgents } from "../../components/transfer/http-transport";
import { httpStatusOf, isDigestRejection, isTransient, withRetry } from "../../components/transfer/retry";
import { startS3rver, type S3rverHandle } from "../support/s3rver";
import type { FaultConfig } from "../support/faults";

// S3 object requests outside the SDK's middleware (components/transfer/s3-http.ts), against s3rver
// (which checks SigV4 signatures) and, for answers s3rver never gives (BadDigest), a stand-in.
const md5 = (b: Buffer) => crypto.createHash("md5").update(b).digest("hex");

/**
 * Asserts that object requests (GET, HEAD, PUT on a key; listings and multipart's POSTs are the
 * SDK's) were seen and none came from the SDK: its requests carry amz-sdk-invocation-id and its
 * user agent, s3-http's neither.
 */
function expectDirect(requests: http.IncomingMessage[], minimum: number): void {
  const objectRequests = requests.filter((r) => ["GET", "HEAD", "PUT"].includes(r.method ?? "") && /^\/[^/]+\/./.test(new URL(r.url ?? "/", "http://x").pathname));
  expect(objectRequests.length).toBeGreaterThanOrEqual(minimum);
  const fromSdk = objectRequests.filter((r) => r.headers["amz-sdk-invocation-id"] !== undefined || /aws-sdk/i.test(`${r.headers["user-agent"] ?? ""} ${r.headers["x-amz-user-agent"] ?? ""}`));
  expect(fromSdk.map((r) => `${r.method} ${r.url}`)).toEqual([]);
}

async function text(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString();
}

describe("S3 object requests over node:http (s3-http.ts)", () => {
  let s3: S3rverHandle;
  beforeAll(async () => {
    s3 = await startS3rver({ buckets: ["bucket"], withFaultProxy: true });
  });
  afterAll(async () => {
    await s3.close();
  });
  afterEach(() => s3.faults.configure({}));

  // Every request through the fault proxy, seen before any fault: the store's object requests must
  // come from s3-http, not the SDK (a silent fallback to the SDK would pass every other assertion).
  let seen: http.IncomingMessage[] = [];
  const observing = (config: FaultConfig): FaultConfig => ({
    ...config,
    applies: (req) => {
      seen.push(req);
      return config.applies ? config.applies(req) : true;
    },
  });
  beforeEach(() => {
    seen = [];
    s3.faults.configure(observing({}));
  });

  const store = () => new S3Store({ ...s3.clientOptions, bucket: "bucket", prefix: "p r+e/" });

  it("goes around the SDK: the store's bucket gets a SigV4 transport", async () => {
    const st = store();
    const transport = await S3ObjectTransport.create(st.client(), "bucket", keepAliveAgents());
    expect(transport).toBeDefined();
    const body = Buffer.from("direct");
    const res = await transport!.send({ method: "PUT", operation: "PutObject", key: "direct.txt", headers: { "content-md5": Buffer.from(md5(body), "hex").toString("base64") }, body: { stream: Readable.from([body]), contentLength: body.length } });
    res.resume();
    expect(res.headers.etag).toBe(`"${md5(body)}"`);
  });

  it("round-trips keys with spaces, unicode, '+', '%', and '~' (PUT, HEAD, GET, listing)", async () => {
    const st = store();
    const keys = ["a b/c d.txt", "ünï/cödé ✓.bin", "plus+sign", "100%/of%20it", "tilde~x/(paren)'s!*"];
    for (const [i, key] of keys.entries()) {
      const body = Buffer.from(`body ${i} ${key}`);
      const put = await st.put(key, Readable.from([body]), { size: body.length, md5: md5(body), metadata: { "source-etag": `e${i}` } });
      expect(put.md5).toBe(md5(body));
      const head = await st.head(key);
      expect(head).toMatchObject({ key, size: body.length, md5: md5(body), metadata: { "source-etag": `e${i}` } });
      expect(await text(await st.get(key))).toBe(body.toString());
      expect(await text(await st.get(key, { start: 1, end: 3 }))).toBe(body.subarray(1, 4).toString());
    }
    const listed: string[] = [];
    for await (const o of st.list()) listed.push(o.key);
    for (const key of keys) expect(listed).toContain(key);
    expectDirect(seen, 4 * keys.length);
  });

  it("a HEAD of a missing key answers undefined; a GET of one fails with 404 NoSuchKey", async () => {
    const st = store();
    expect(await st.head("no such key")).toBeUndefined();
    const err = await st.get("no such key").catch((e: unknown) => e);
    expect(httpStatusOf(err)).toBe(404);
    expect((err as Error).name).toBe("NoSuchKey");
    expect(isTransient(err)).toBe(false);
    expectDirect(seen, 2);
  });

  it("503 SlowDown is an S3 error the engine retries", async () => {
    const st = store();
    const body = Buffer.from("throttled");
    await st.put("throttled", Readable.from([body]), { size: body.length, md5: md5(body) });
    s3.faults.configure(observing({ throttle: 1 }));
    const err = await st.get("throttled").catch((e: unknown) => e);
    expect(httpStatusOf(err)).toBe(503);
    expect((err as Error).name).toBe("SlowDown");
    expect(isTransient(err)).toBe(true);
    // Throttled twice, then through: the engine's retry gets the bytes.
    let throttled = 0;
    s3.faults.configure(observing({ throttle: 1, applies: () => throttled++ < 2 }));
    const got = await withRetry(async () => text(await st.get("throttled")), { attempts: 4, baseDelayMs: 1, maxDelayMs: 5 });
    expect(got).toBe("throttled");
    expect(throttled).toBeGreaterThanOrEqual(3);
    expectDirect(seen, 5);
  });

  it("a PUT of 2 MiB or more (sent with Expect: 100-continue) still stores its bytes at once through s3rver", { timeout: 10_000 }, async () => {
    const st = store();
    const body = crypto.randomBytes(3 * 1024 * 1024 + 17);
    const started = Date.now();
    await st.put("large.bin", Readable.from([body.subarray(0, 1 << 20), body.subarray(1 << 20)]), { size: body.length, md5: md5(body) });
    // s3rver (node:http) answers 100 Continue: no wait for the 6 s fallback.
    expect(Date.now() - started).toBeLessThan(3_000);
    const put = seen.find((r) => r.method === "PUT");
    expect(put?.headers.expect).toBe("100-continue");
    const chunks: Buffer[] = [];
    for await (const c of await st.get("large.bin")) chunks.push(c as Buffer);
    expect(md5(Buffer.concat(chunks))).toBe(md5(body));
    expectDirect(seen, 2);
  });

  describe("a PUT refused on its headers (Expect: 100-continue)", () => {
    let server: http.Server;
    let endpoint: string;
    let requests: { expect?: string; bodyBytes: number }[] = [];
    beforeAll(async () => {
      // S3 refuses some PUTs on their headers alone (403 AccessDenied, 301 another region, 503
      // SlowDown). This stand-in does so at once, without asking for the body ('checkContinue'
      // handled without writeContinue), and counts whatever body bytes still arrive.
      const refuse = (req: http.IncomingMessage, res: http.ServerResponse) => {
        const seenHere = { expect: req.headers.expect, bodyBytes: 0 };
        requests.push(seenHere);
        req.on("data", (chunk: Buffer) => { seenHere.bodyBytes += chunk.length; });
        res.writeHead(403, { "content-type": "application/xml", "x-amz-request-id": "REQ403" });
        res.end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message><RequestId>REQ403</RequestId></Error>`);
      };
      server = http.createServer(refuse);
      server.on("checkContinue", refuse);
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    beforeEach(() => {
      requests = [];
    });
    afterAll(async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    });

    it("gets S3's error without sending the body (PutObject and UploadPart)", { timeout: 10_000 }, async () => {
      const st = new S3Store({ ...s3.clientOptions, endpoint, bucket: "bucket" });
      const size = 8 * 1024 * 1024;
      const chunk = Buffer.alloc(64 * 1024, 7);
      const body = () => Readable.from(Array.from({ length: size / chunk.length }, () => chunk));
      const started = Date.now();
      const put = await st.put("refused", body(), { size, md5: "0".repeat(32) }).catch((e: unknown) => e);
      expect(httpStatusOf(put)).toBe(403);
      expect((put as Error).name).toBe("AccessDenied");
      const part = await st.multipart.uploadPart("refused", "u1", 1, body(), { size, offset: 0 }).catch((e: unknown) => e);
      expect((part as Error).name).toBe("AccessDenied");
      // Well before the 6 s a server that never answers 100 would cost.
      expect(Date.now() - started).toBeLessThan(3_000);
      await new Promise((resolve) => setTimeout(resolve, 200)); // a body on its way would arrive by now
      expect(requests.map((r) => r.expect)).toEqual(["100-continue", "100-continue"]);
      expect(requests.map((r) => r.bodyBytes)).toEqual([0, 0]);
    });

    it("a body under 2 MiB goes without Expect (as the SDK's default)", async () => {
      const st = new S3Store({ ...s3.clientOptions, endpoint, bucket: "bucket" });
      const body = Buffer.alloc(2 * 1024 * 1024 - 1);
      const put = await st.put("small", Readable.from([body]), { size: body.length, md5: md5(body) }).catch((e: unknown) => e);
      expect((put as Error).name).toBe("AccessDenied");
      expect(requests.map((r) => r.expect)).toEqual([undefined]);
    });
  });

  describe("answers s3rver never gives", () => {
    let server: http.Server;
    let endpoint: string;
    let standInSeen: http.IncomingMessage[] = [];
    beforeEach(() => {
      standInSeen = [];
    });
    beforeAll(async () => {
      // S3 answers a body that does not hash to its Content-MD5 with 400 BadDigest, and a GET whose
      // If-Match is not the object's ETag with 412 PreconditionFailed (Amazon S3 API reference,
      // "Error responses", GetObject); s3rver checks neither.
      server = http.createServer((req, res) => {
        standInSeen.push(req);
        req.resume();
        if (req.method === "HEAD" && req.url?.includes("/moved")) {
          // A bucket in another region: 301 with the bucket's region, no body (a HEAD).
          res.writeHead(301, { "x-amz-bucket-region": "eu-west-1", "x-amz-request-id": "REQ301" });
          res.end();
          return;
        }
        req.on("end", () => {
          const [status, code, message] = req.method === "PUT"
            ? [400, "BadDigest", "The Content-MD5 you specified did not match what we received &amp; so on."]
            : [412, "PreconditionFailed", "At least one of the pre-conditions you specified did not hold"];
          res.writeHead(status, { "content-type": "application/xml", "x-amz-request-id": "REQ1" });
          res.end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message><RequestId>REQ1</RequestId></Error>`);
        });
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    });

    it("BadDigest on a wrong Content-MD5 is a digest rejection (PutObject and UploadPart)", async () => {
      const st = new S3Store({ ...s3.clientOptions, endpoint, bucket: "bucket" });
      const body = Buffer.from("corrupted on the way");
      const put = await st.put("k", Readable.from([body]), { size: body.length, md5: md5(Buffer.from("other")) }).catch((e: unknown) => e);
      expect(httpStatusOf(put)).toBe(400);
      expect(isDigestRejection(put)).toBe(true);
      expect((put as Error).message).toContain("did not match what we received & so on");
      expect((put as { $metadata: { requestId?: string } }).$metadata.requestId).toBe("REQ1");
      const part = await st.multipart.uploadPart("k", "u1", 1, Readable.from([body]), { size: body.length, md5: md5(Buffer.from("other")), offset: 0 }).catch((e: unknown) => e);
      expect(isDigestRejection(part)).toBe(true);
      expectDirect(standInSeen, 2);
    });

    it("a HEAD answered 301 (the bucket is in another region) names the bucket's region", async () => {
      const st = new S3Store({ ...s3.clientOptions, endpoint, bucket: "bucket" });
      const err = await st.head("moved").catch((e: unknown) => e);
      expect(httpStatusOf(err)).toBe(301);
      expect((err as Error).message).toContain("the bucket is in eu-west-1: set the S3 region to it");
    });

    it("a GET whose If-Match no longer matches fails with 412 PreconditionFailed, not retried", async () => {
      const st = new S3Store({ ...s3.clientOptions, endpoint, bucket: "bucket" });
      const err = await st.get("changing", undefined, { ifMatch: md5(Buffer.from("version 0")) }).catch((e: unknown) => e);
      expect(httpStatusOf(err)).toBe(412);
      expect((err as Error).name).toBe("PreconditionFailed");
      expect(isTransient(err)).toBe(false);
      expect(isDigestRejection(err)).toBe(false);
      // A HEAD's error has no body: named as the SDK names it (Unknown unless 404), the status kept.
      const head = await st.head("changing").catch((e: unknown) => e);
      expect(httpStatusOf(head)).toBe(412);
      expect((head as Error).name).toBe("Unknown");
      expectDirect(standInSeen, 2);
    });
  });
});
