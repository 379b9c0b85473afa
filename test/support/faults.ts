// Fault injection shared by the test servers (the OCI Object Storage server and the proxy in
// front of s3rver): a configurable share of throttling (429) and unavailable (503) answers,
// connections reset mid-body, truncated bodies and slow answers. Decisions come from a seeded
// generator, so a failing run can be replayed.
import type { IncomingMessage, ServerResponse } from "http";
import { Readable } from "stream";

export interface FaultConfig {
  /** Share (0..1) of requests answered 429. */
  throttle?: number;
  /** Share of requests answered 503. */
  unavailable?: number;
  /** Share of requests whose connection is reset: mid-body for uploads and downloads. */
  reset?: number;
  /** Share of downloads whose body stops early (clean close after part of the promised length). */
  truncate?: number;
  /** Share of requests delayed by `slowMs` before any answer. */
  slow?: number;
  slowMs?: number;
  /** Only requests this predicate accepts can be faulted (default: all). */
  applies?: (req: IncomingMessage) => boolean;
  seed?: number;
}

export type FaultKind = "throttle" | "unavailable" | "reset" | "truncate";

export interface FaultDecision {
  kind?: FaultKind;
  delayMs: number;
}

export type FaultCounts = Record<FaultKind | "slow", number>;

/** mulberry32: small, fast, seeded. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class FaultInjector {
  private config: FaultConfig = {};
  private random: () => number = seeded(1);
  readonly counts: FaultCounts = { throttle: 0, unavailable: 0, reset: 0, truncate: 0, slow: 0 };

  constructor(config: FaultConfig = {}) {
    this.configure(config);
  }

  /** Replaces the configuration (an empty object turns faults off). */
  configure(config: FaultConfig): void {
    for (const key of ["throttle", "unavailable", "reset", "truncate", "slow"] as const) {
      const share = config[key];
      if (share !== undefined && !(share >= 0 && share <= 1)) throw new Error(`Fault share ${key} must be within 0..1, got ${share}.`);
    }
    this.config = { ...config };
    this.random = seeded(config.seed ?? 1);
  }

  total(): number {
    return this.counts.throttle + this.counts.unavailable + this.counts.reset + this.counts.truncate;
  }

  /** Decides the fate of one request. `hasBody` says whether a reset/truncate has a body to cut. */
  decide(req: IncomingMessage): FaultDecision {
    const c = this.config;
    if (c.applies && !c.applies(req)) return { delayMs: 0 };
    let delayMs = 0;
    if (c.slow && this.random() < c.slow) {
      delayMs = c.slowMs ?? 200;
      this.counts.slow += 1;
    }
    const roll = this.random();
    let edge = 0;
    for (const kind of ["throttle", "unavailable", "reset", "truncate"] as const) {
      edge += c[kind] ?? 0;
      if (roll < edge) {
        this.counts[kind] += 1;
        return { kind, delayMs };
      }
    }
    return { delayMs };
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/** Cuts the connection abruptly (TCP RST where the platform allows). */
export function resetConnection(req: IncomingMessage): void {
  const socket = req.socket as typeof req.socket & { resetAndDestroy?: () => void };
  if (socket.resetAndDestroy) socket.resetAndDestroy();
  else socket.destroy();
}

/**
 * Sends a response body of `length` bytes from `body`, honouring a reset or truncate decision:
 * about half of the bytes go out, then the connection is reset (reset) or closed (truncate).
 */
export async function sendBody(req: IncomingMessage, res: ServerResponse, body: Readable, length: number, decision: FaultDecision): Promise<void> {
  if (decision.kind !== "reset" && decision.kind !== "truncate") {
    await new Promise<void>((resolve, reject) => {
      body.on("error", reject);
      res.on("close", resolve);
      body.pipe(res);
    });
    return;
  }
  const cutAt = Math.floor(length / 2);
  let sent = 0;
  for await (const chunk of body) {
    const buf = chunk as Buffer;
    const room = cutAt - sent;
    if (room <= 0) break;
    const piece = buf.length > room ? buf.subarray(0, room) : buf;
    sent += piece.length;
    if (!res.write(piece)) await new Promise((resolve) => res.once("drain", resolve));
  }
  body.destroy();
  // Let the written bytes reach the client before cutting.
  await new Promise<void>((resolve) => setImmediate(resolve));
  if (decision.kind === "reset") resetConnection(req);
  else req.socket.end();
}
