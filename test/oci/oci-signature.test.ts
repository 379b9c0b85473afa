import * as http from "http";
import type { AddressInfo } from "net";
import { Readable } from "stream";
import * as common from "oci-common";
import * as os from "oci-objectstorage";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeOciTestAuth, verifyOciRequest } from "../support/oci-signature";
import { withSdkErrorsHandled } from "../../components/oci/sdk-warnings";

// A minimal server that only authenticates: the real SDK client must pass, a stranger must not.
describe("OCI request signature verification against the real oci-objectstorage client", () => {
  const trusted = makeOciTestAuth();
  const stranger = makeOciTestAuth();
  const seen: { method: string; url: string; ok: boolean; reason?: string }[] = [];
  let server: http.Server;
  let endpoint: string;

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c) => chunks.push(c));
      req.on("end", () => {
        const check = verifyOciRequest(req, Buffer.concat(chunks), new Map([[trusted.keyId, trusted.publicKey]]));
        seen.push({ method: req.method!, url: req.url!, ok: check.ok, reason: check.ok ? undefined : check.reason });
        res.setHeader("content-type", "application/json");
        res.setHeader("opc-request-id", "test");
        if (!check.ok) {
          res.statusCode = 401;
          res.end(JSON.stringify({ code: "NotAuthenticated", message: check.reason }));
        } else if (req.method === "GET") {
          res.end(JSON.stringify("testns"));
        } else if (req.method === "POST") {
          res.end(JSON.stringify({ namespace: "testns", bucket: "b", object: "o", uploadId: "u1", timeCreated: new Date().toISOString() }));
        } else {
          res.setHeader("etag", "e1");
          res.end();
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  function client(auth: ReturnType<typeof makeOciTestAuth>) {
    const c = new os.ObjectStorageClient(
      { authenticationDetailsProvider: auth.provider },
      { retryConfiguration: { terminationStrategy: new common.MaxAttemptsTerminationStrategy(1) }, circuitBreaker: new common.CircuitBreaker({ disableClientCircuitBreaker: true }) },
    );
    c.endpoint = endpoint;
    return withSdkErrorsHandled(c); // the tests assert the refusals they cause
  }

  it("accepts signed GET, JSON POST (body hash) and streamed PUT (body excluded)", async () => {
    const c = client(trusted);
    expect((await c.getNamespace({})).value).toBe("testns");
    const upload = await c.createMultipartUpload({
      namespaceName: "testns", bucketName: "b", createMultipartUploadDetails: { object: "a & b+c#d" },
    });
    expect(upload.multipartUpload.uploadId).toBe("u1");
    await c.putObject({
      namespaceName: "testns", bucketName: "b", objectName: "o", contentLength: 5, putObjectBody: Readable.from([Buffer.from("hello")]),
    });
    expect(seen.map((s) => [s.method, s.ok])).toEqual([["GET", true], ["POST", true], ["PUT", true]]);
  });

  it("rejects a client whose key the server does not know, with 401 NotAuthenticated", async () => {
    const err = await client(stranger).getNamespace({}).catch((e) => e);
    expect(err.statusCode).toBe(401);
    expect(err.serviceCode).toBe("NotAuthenticated");
    expect(seen.at(-1)!.reason).toContain("No public key is registered");
  });
});
