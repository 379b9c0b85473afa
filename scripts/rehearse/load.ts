// The client side of zero downtime: a steady query load that resolves the tenant's name through
// the Route53 server's weighted answers (as a resolver would) and queries the side it got.
import * as http from "http";

export interface QuerySample {
  /** ms since the rehearsal started */
  at: number;
  side: string;
  ok: boolean;
  ms: number;
  /** OCI's weight share (0..100) in Route53 when the query resolved. */
  ociPercent: number;
}

export interface LoadOptions {
  resolve: () => string;
  ociPercent: () => number;
  urlOf: (side: string) => string;
  hostHeader: string;
  everyMs: number;
  timeoutMs: number;
  t0: number;
}

function get(url: string, host: string, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get(url, { headers: { host }, timeout: timeoutMs, agent: false }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode === 200));
    });
    req.on("timeout", () => req.destroy());
    req.on("error", () => resolve(false));
  });
}

export class QueryLoad {
  readonly samples: QuerySample[] = [];
  private timer?: NodeJS.Timeout;
  private inflight = new Set<Promise<void>>();

  constructor(private readonly opts: LoadOptions) {}

  start(): void {
    this.timer = setInterval(() => {
      const at = Date.now() - this.opts.t0;
      const ociPercent = this.opts.ociPercent();
      const started = performance.now();
      let side: string;
      try {
        side = this.opts.resolve();
      } catch {
        // NXDOMAIN/NODATA: the client gets no answer at all, the worst downtime.
        this.samples.push({ at, side: "none", ok: false, ms: 0, ociPercent });
        return;
      }
      const p = get(this.opts.urlOf(side), this.opts.hostHeader, this.opts.timeoutMs).then((ok) => {
        this.samples.push({ at, side, ok, ms: performance.now() - started, ociPercent });
      });
      this.inflight.add(p);
      void p.finally(() => this.inflight.delete(p));
    }, this.opts.everyMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await Promise.all(this.inflight);
  }
}

export function p95(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.95) - 1)];
}
