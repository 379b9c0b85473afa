// HTTP probe of the OCI endpoint: N requests (URL plus the tenant's Host header), measuring the
// error rate and the p95 latency. An error is a transport failure, a timeout or a 5xx answer.
import { performance } from "perf_hooks";
import { requestText } from "../validation/http-text";
import type { ProbeSpec } from "./types";

export interface ProbeResult {
  samples: number;
  errors: number;
  errorRate: number;
  p95Ms: number;
  firstError?: string;
}

/** Nearest-rank percentile (the p-th value of the sorted sample, no interpolation). */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export async function probeEndpoint(spec: ProbeSpec): Promise<ProbeResult> {
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  let next = 0;
  const headers: Record<string, string> = { "user-agent": "tundra-cutover-probe" };
  if (spec.hostHeader) headers.host = spec.hostHeader;

  async function worker(): Promise<void> {
    while (next < spec.samples) {
      next++;
      const started = performance.now();
      try {
        const response = await requestText(spec.url, { headers, timeoutMs: spec.timeoutMs });
        if (response.status >= 500) {
          errors++;
          firstError ??= `HTTP ${response.status}`;
        }
      } catch (err) {
        errors++;
        firstError ??= (err as Error).message;
      }
      // A timed-out or failed request counts with the time it cost the client.
      latencies.push(performance.now() - started);
    }
  }

  await Promise.all(Array.from({ length: Math.max(1, Math.min(spec.concurrency, spec.samples)) }, worker));
  const samples = latencies.length;
  return {
    samples,
    errors,
    errorRate: samples === 0 ? 1 : errors / samples,
    p95Ms: Math.round(percentile(latencies, 95) * 10) / 10,
    ...(firstError ? { firstError } : {}),
  };
}
