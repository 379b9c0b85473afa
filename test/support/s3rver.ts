// s3rver for tests and benchmarks: a child process (with --openssl-legacy-provider, without
// which every truncated ListObjectsV2 page answers 500), optionally behind a small HTTP proxy
// that injects faults (the same module the OCI server uses). Clients must use path-style
// addressing, access key id S3RVER, and checksums WHEN_REQUIRED (see FACTS.md).
import { spawn, type ChildProcess } from "child_process";
import * as fsp from "fs/promises";
import * as http from "http";
import type { AddressInfo } from "net";
import * as os from "os";
import * as path from "path";
import { FaultInjector, resetConnection, sendBody, sleep, type FaultConfig } from "./faults";

export const S3RVER_CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };

export interface S3rverHandle {
  /** The endpoint clients use: the fault proxy's when faults are enabled, else s3rver's own. */
  endpoint: string;
  /** s3rver's own endpoint (no faults). */
  directEndpoint: string;
  directory: string;
  /** Process id of the s3rver child (benchmarks read its CPU time). */
  pid: number;
  faults: FaultInjector;
  /** Options for S3Store / S3Client that work with s3rver. */
  clientOptions: { endpoint: string; region: string; forcePathStyle: true; credentials: typeof S3RVER_CREDENTIALS };
  close(): Promise<void>;
}

export interface S3rverOptions {
  buckets: string[];
  /** Data directory (a temporary one, removed on close, by default). */
  directory?: string;
  /** Put the fault-injecting proxy in front (default false). */
  withFaultProxy?: boolean;
  /** Port of s3rver itself on 127.0.0.1 (default: any free one). */
  port?: number;
  faults?: FaultConfig;
}

const mainScript = path.join(__dirname, "s3rver-main.cjs");
const exitWithParent = path.join(__dirname, "exit-with-parent.cjs");

async function startChild(directory: string, buckets: string[], requestedPort = 0): Promise<{ child: ChildProcess; port: number }> {
  const nodeOptions = [process.env.NODE_OPTIONS ?? "", "--openssl-legacy-provider"].join(" ").trim();
  const child = spawn(process.execPath, ["--require", exitWithParent, mainScript, directory, buckets.join(","), String(requestedPort)], {
    env: { ...process.env, NODE_OPTIONS: nodeOptions },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (d) => (stderr += d));
  const port = await new Promise<number>((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`s3rver did not start within 20 s: ${stderr}`)), 20_000);
    child.stdout!.on("data", (d) => {
      out += d;
      const line = out.split("\n")[0];
      if (out.includes("\n")) {
        clearTimeout(timer);
        try {
          resolve(JSON.parse(line).port);
        } catch {
          reject(new Error(`s3rver printed ${line}: ${stderr}`));
        }
      }
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`s3rver exited with ${code}: ${stderr}`));
    });
  });
  return { child, port };
}

/** A pass-through proxy to `target` that applies the injector's faults. */
async function startFaultProxy(targetPort: number, faults: FaultInjector): Promise<http.Server> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const server = http.createServer(async (req, res) => {
    const decision = faults.decide(req);
    if (decision.delayMs) await sleep(decision.delayMs);
    if (decision.kind === "throttle" || decision.kind === "unavailable") {
      req.resume();
      // S3 throttles with 503 SlowDown (it has no 429).
      res.statusCode = 503;
      const code = decision.kind === "throttle" ? "SlowDown" : "ServiceUnavailable";
      res.setHeader("content-type", "application/xml");
      res.end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>injected</Message></Error>`);
      return;
    }
    const hasRequestBody = req.method === "PUT" || req.method === "POST";
    const upstream = http.request({ host: "127.0.0.1", port: targetPort, method: req.method, path: req.url, headers: req.headers, agent }, (up) => {
      res.writeHead(up.statusCode ?? 500, up.headers);
      const length = Number(up.headers["content-length"] ?? 0);
      const cut = req.method === "GET" && length > 0 ? decision : { delayMs: 0 };
      sendBody(req, res, up, length, cut).catch(() => res.destroy());
    });
    upstream.on("error", () => res.destroy());
    if (decision.kind === "reset" && hasRequestBody) {
      // Forward part of the upload, then drop the client's connection (and the upstream request).
      const limit = Number(req.headers["content-length"] ?? 0) / 2;
      let seen = 0;
      req.on("data", (chunk: Buffer) => {
        seen += chunk.length;
        if (seen >= limit) {
          upstream.destroy();
          resetConnection(req);
        } else upstream.write(chunk);
      });
      return;
    }
    if (decision.kind === "reset" && req.method !== "GET") {
      upstream.destroy();
      resetConnection(req);
      return;
    }
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  server.on("close", () => agent.destroy());
  return server;
}

export async function startS3rver(options: S3rverOptions): Promise<S3rverHandle> {
  const directory = options.directory ?? (await fsp.mkdtemp(path.join(os.tmpdir(), "s3rver-")));
  const { child, port } = await startChild(directory, options.buckets, options.port);
  const faults = new FaultInjector(options.faults);
  const proxy = options.withFaultProxy ? await startFaultProxy(port, faults) : undefined;
  const directEndpoint = `http://127.0.0.1:${port}`;
  const endpoint = proxy ? `http://127.0.0.1:${(proxy.address() as AddressInfo).port}` : directEndpoint;
  return {
    endpoint,
    directEndpoint,
    directory,
    pid: child.pid!,
    faults,
    clientOptions: { endpoint, region: "us-east-1", forcePathStyle: true, credentials: S3RVER_CREDENTIALS },
    async close() {
      if (proxy) {
        proxy.closeAllConnections();
        await new Promise<void>((resolve) => proxy.close(() => resolve()));
      }
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
        child.kill("SIGTERM");
        await exited;
      }
      if (!options.directory) await fsp.rm(directory, { recursive: true, force: true });
    },
  };
}
