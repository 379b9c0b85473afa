// Stand-ins for Tundra's query endpoint: each answers the validation queries from the data it
// holds (a node: the generation its agent made live under <dataRoot>/current; the AWS side: the
// tenant data set as it is in S3), so the pre-cutover validation compares what both sides really
// serve. A load balancer stand-in spreads requests over the nodes, as the OCI load balancer does.
import * as crypto from "crypto";
import * as fs from "fs";
import * as http from "http";
import type { AddressInfo } from "net";
import * as path from "path";

export interface DataAnswer {
  objects: number;
  bytes: number;
  digest: string;
}

/** What a side serves: file count, bytes and a digest over (key, size, md5), keys relative to `root`. */
export function answerFor(root: string): DataAnswer {
  const rows: string[] = [];
  let bytes = 0;
  const walk = (dir: string, prefix: string) => {
    if (!fs.existsSync(dir)) return;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (!prefix && entry.name.startsWith(".tundra")) continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full, `${prefix}${entry.name}/`);
      else {
        const content = fs.readFileSync(full);
        bytes += content.length;
        rows.push(`${prefix}${entry.name}\t${content.length}\t${crypto.createHash("md5").update(content).digest("hex")}`);
      }
    }
  };
  walk(root, "");
  rows.sort();
  return { objects: rows.length, bytes, digest: crypto.createHash("sha256").update(rows.join("\n")).digest("hex").slice(0, 16) };
}

export interface Listening {
  url: string;
  port: number;
  close(): Promise<void>;
}

async function listen(server: http.Server, port: number): Promise<Listening> {
  const sockets = new Set<import("net").Socket>();
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  const actual = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${actual}`,
    port: actual,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** One Tundra endpoint answering from `root()` (read at each request: it follows the live generation). */
export function startTundraStandIn(root: () => string, port = 0): Promise<Listening> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://x");
      if (url.pathname === "/health") {
        res.writeHead(200, { "content-type": "text/plain" }).end("ok");
        return;
      }
      if (url.pathname.startsWith("/v1/")) {
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(answerFor(root())));
        return;
      }
      res.writeHead(404).end("not found");
    });
  });
  return listen(server, port);
}

export interface LoadBalancerStandIn extends Listening {
  /** Extra delay before each answer (the `gate` fault: the OCI side turns slow). */
  latencyMs: number;
}

/** Round-robin over the node endpoints on 127.0.0.1:`port` (the stack's listener port). */
export async function startLoadBalancerStandIn(port: number, backends: () => string[]): Promise<LoadBalancerStandIn> {
  let next = 0;
  const lb = { latencyMs: 0 } as LoadBalancerStandIn;
  const server = http.createServer((req, res) => {
    const targets = backends();
    if (targets.length === 0) {
      res.writeHead(503).end("no backends");
      return;
    }
    const target = new URL(req.url ?? "/", targets[next++ % targets.length]);
    setTimeout(() => {
      const upstream = http.request(target, { method: req.method, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      upstream.on("error", () => res.writeHead(502).end("backend unavailable"));
      req.pipe(upstream);
    }, lb.latencyMs);
  });
  const listening = await listen(server, port);
  return Object.assign(lb, listening);
}
