import * as http from "http";
import type { AddressInfo, Socket } from "net";
import * as common from "oci-common";
import { afterEach, describe, expect, it } from "vitest";
import { headersAfterBody, sendObjectRequest } from "../../components/transfer/oci-http";
import { makeOciTestAuth } from "../support/oci-signature";

// The object-body transport's connection pool (oci-http.ts), against a plain HTTP server.
describe("OCI object bodies over node:http: pooled connections", () => {
  let server: http.Server | undefined;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
  });

  it("closes an idle pooled connection before the server's announced keep-alive limit, so it is never reused as the server closes it", async () => {
    // The server announces "Keep-Alive: timeout=2" and would close idle connections at 2 s.
    const ended: number[] = [];
    let answeredAt = 0;
    server = http.createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        res.end("{}");
        answeredAt = Date.now();
      });
    });
    server.keepAliveTimeout = 2_000;
    server.on("connection", (socket: Socket) => socket.on("end", () => ended.push(Date.now() - answeredAt))); // the client's FIN
    await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
    const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    const signer = new common.DefaultRequestSigner(makeOciTestAuth().provider);
    const res = await sendObjectRequest({
      endpoint, signer, method: "GET", path: "/n/{namespaceName}/b/{bucketName}/o/{objectName}",
      pathParams: { "{namespaceName}": "ns", "{bucketName}": "b", "{objectName}": "k" }, operation: "GetObject",
    });
    expect(res.headers["keep-alive"]).toBe("timeout=2");
    await headersAfterBody(res);
    await new Promise((resolve) => setTimeout(resolve, 1_800));
    // The client ended it after about 1 s (the hint less a second), before the server's 2 s.
    expect(ended).toHaveLength(1);
    expect(ended[0]).toBeGreaterThanOrEqual(900);
    expect(ended[0]).toBeLessThan(1_800);
  });
});
