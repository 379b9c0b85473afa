// The CI form of a wave: a GitHub Actions job matrix, one tenant per job, the wave's concurrency
// as `max-parallel`, and `fail-fast` for "a failed tenant stops its wave" (GitHub cancels the
// wave's other jobs, in progress and queued). One workflow run is one wave
// (.github/workflows/fleet.yml); tenants the state records as succeeded are left out.
import type { Wave } from "./waves";
import type { FleetState, Operation } from "./state";

export interface JobMatrix {
  wave: string;
  /** For `strategy.matrix`: `{include: [{stack}, ...]}`. */
  matrix: { include: Array<{ stack: string }> };
  maxParallel: number;
  failFast: boolean;
  /** For the workflow's gate: how many failed jobs still let the next wave start. */
  maxFailures: number;
}

export function jobMatrix(wave: Wave, state: FleetState, operation: Operation): JobMatrix {
  const records = state.operations[operation] ?? {};
  const include = wave.tenants.filter((t) => records[t.stack]?.status !== "succeeded").map((t) => ({ stack: t.stack }));
  return {
    wave: wave.name,
    matrix: { include },
    // GitHub refuses max-parallel 0; an empty matrix is skipped by the workflow's `if`.
    maxParallel: Math.max(1, Math.min(wave.concurrency, include.length)),
    failFast: wave.failedTenantStopsWave,
    maxFailures: wave.maxFailures,
  };
}

/** Lines for $GITHUB_OUTPUT (each value one line of JSON). */
export function githubOutputLines(m: JobMatrix): string {
  return [
    `wave=${m.wave}`,
    `matrix=${JSON.stringify(m.matrix)}`,
    `count=${m.matrix.include.length}`,
    `max-parallel=${m.maxParallel}`,
    `fail-fast=${m.failFast}`,
    `max-failures=${m.maxFailures}`,
  ].join("\n") + "\n";
}
