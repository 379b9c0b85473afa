// A stand-in for the OCI load balancer: an HTTP server on 127.0.0.1 whose latency and error
// rate the test sets at any moment. Errors are spread evenly (every k-th request), so a 40%
// error rate over 20 samples gives exactly 8 errors. Stops by itself when idle.
import * as http from "http";
import { AddressInfo } from "net";

export interface HttpTarget {
  url: string;
  /** Delay before each answer, ms. */
  latencyMs: number;
  /** Share of requests answered 503, 0..1. */
  errorRate: number;
  requests: number;
  hostHeaders: Set<string>;
  stop(): Promise<void>;
}

export async function startHttpTarget(opts: { latencyMs?: number; errorRate?: number; idleTimeoutMs?: number } = {}): Promise<HttpTarget> {
  let errorCredit = 0;
  const sockets = new Set<import("net").Socket>();
  let idle: NodeJS.Timeout | undefined;
  const target: HttpTarget = {
    url: "",
    latencyMs: opts.latencyMs ?? 0,
    errorRate: opts.errorRate ?? 0,
    requests: 0,
    hostHeaders: new Set(),
    stop: async () => {
      clearTimeout(idle);
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const touch = () => {
    clearTimeout(idle);
    idle = setTimeout(() => void target.stop(), opts.idleTimeoutMs ?? 120_000);
    idle.unref();
  };
  const server = http.createServer((req, res) => {
    touch();
    target.requests++;
    target.hostHeaders.add(String(req.headers.host));
    errorCredit += target.errorRate;
    const fail = errorCredit >= 1 - 1e-9;
    if (fail) errorCredit -= 1;
    setTimeout(() => {
      res.writeHead(fail ? 503 : 200, { "content-type": "text/plain" });
      res.end(fail ? "unavailable" : "ok");
    }, target.latencyMs);
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  server.unref();
  touch();
  target.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/health`;
  return target;
}
