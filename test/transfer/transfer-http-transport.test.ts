import * as http from "http";
import type { AddressInfo } from "net";
import { PassThrough } from "stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { keepAliveAgents, sendSigned } from "../../components/transfer/http-transport";
import { countedBody } from "../../components/transfer/hashing";

// The body plumbing of sendSigned (http-transport.ts), as a copy without hashing uses it: the
// source's GET body itself, counted (hashing.ts countingTap), its errors silenced there. A body
// that fails must fail the upload at once, not after IDLE_TIMEOUT_MS (60 s) of nothing sent.
describe("sendSigned with a source body that fails", () => {
  let server: http.Server;
  let url: URL;
  let received = 0;
  beforeAll(async () => {
    // Answers only once the whole upload has arrived: a request whose body never comes hangs here.
    server = http.createServer((req, res) => {
      req.on("data", (chunk: Buffer) => { received += chunk.length; });
      req.on("end", () => res.writeHead(200).end());
      req.on("error", () => undefined);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    server.unref();
    url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/bucket/key`);
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  /** The source's body as the copy hands it on without hashing: counted, its errors silenced. */
  const counted = () => countedBody(new PassThrough(), () => undefined, false).stream as PassThrough;
  const put = (body: PassThrough, size: number) =>
    sendSigned({ url, method: "PUT", headers: { "content-length": String(size) }, body, operation: "PutObject", agents: keepAliveAgents() });

  it("the source's GET failed before the send started: rejected at once with that error", { timeout: 5_000 }, async () => {
    const source = counted();
    const dropped = Object.assign(new Error("source connection reset"), { code: "ECONNRESET" });
    source.destroy(dropped);
    await new Promise((resolve) => setImmediate(resolve)); // its 'error' and 'close' are gone by now
    const started = Date.now();
    await expect(put(source, 1024)).rejects.toBe(dropped);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("the source's body was destroyed without an error before its end: rejected at once as a premature close", { timeout: 5_000 }, async () => {
    const source = counted();
    source.write(Buffer.alloc(10));
    source.destroy();
    await new Promise((resolve) => setImmediate(resolve));
    const started = Date.now();
    await expect(put(source, 1024)).rejects.toMatchObject({ code: "ERR_STREAM_PREMATURE_CLOSE" });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("the source's body fails during the request: rejected at once with its error", { timeout: 5_000 }, async () => {
    const source = counted();
    const before = received;
    const sending = put(source, 1024 * 1024);
    source.write(Buffer.alloc(64 * 1024));
    const dropped = new Error("source stalled and was dropped");
    setTimeout(() => source.destroy(dropped), 50);
    const started = Date.now();
    await expect(sending).rejects.toBe(dropped);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(received - before).toBeLessThan(1024 * 1024);
  });

  it("a body that ends is sent whole", { timeout: 5_000 }, async () => {
    const source = counted();
    const before = received;
    const sending = put(source, 3000);
    source.end(Buffer.alloc(3000));
    const res = await sending;
    res.resume();
    expect(res.statusCode).toBe(200);
    expect(received - before).toBe(3000);
  });
});
