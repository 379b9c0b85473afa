// The wave planner: the canaries first (one wave, any failure stops the rollout), then the other
// tenants in the fleet file's order, `waves.size` at a time. The same plan drives the in-process
// rollout (rollout.ts) and the CI job matrix (matrix.ts).
import type { FleetFile, FleetTenant } from "./fleet-file";

export interface Wave {
  /** `canary`, `wave-1`, `wave-2`, ... */
  name: string;
  tenants: FleetTenant[];
  concurrency: number;
  failedTenantStopsWave: boolean;
  /** More failed tenants than this in the wave stops the rollout. */
  maxFailures: number;
}

export function planWaves(fleet: FleetFile): Wave[] {
  const { size, concurrency, failedTenantStopsWave, maxFailures } = fleet.waves;
  const canaryNames = new Set(fleet.canary);
  const waves: Wave[] = [];
  if (canaryNames.size > 0) {
    // Canaries keep the fleet file's canary order; they are the proof the rest may go.
    const canaries = fleet.canary.map((name) => fleet.tenants.find((t) => t.stack === name)!);
    waves.push({ name: "canary", tenants: canaries, concurrency, failedTenantStopsWave: true, maxFailures: 0 });
  }
  const rest = fleet.tenants.filter((t) => !canaryNames.has(t.stack));
  for (let i = 0; i < rest.length; i += size) {
    waves.push({ name: `wave-${waves.length + (canaryNames.size > 0 ? 0 : 1)}`, tenants: rest.slice(i, i + size), concurrency, failedTenantStopsWave, maxFailures });
  }
  return waves;
}

/** The wave by name or 1-based number (`canary`, `wave-2`, `2`). */
export function findWave(waves: Wave[], selector: string): Wave | undefined {
  return waves.find((w) => w.name === selector || w.name === `wave-${selector}`);
}
