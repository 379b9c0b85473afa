// What the rollout needs from whatever runs one tenant stack: the Automation API in production
// (scripts/fleet/automation-runner.ts), a scripted fake in tests. Small on purpose.
import type { FleetTenant } from "./fleet-file";
import type { Operation } from "./state";

export interface TenantRunResult {
  ok: boolean;
  /** Last stage the run reached, or null when it failed before any stage resource. */
  stageReached: string | null;
  bytesSynced: number | null;
  ociPercent: number | null;
  /** Why it failed (the first lines of the engine's error). */
  error?: string;
}

export interface TenantRunner {
  run(tenant: FleetTenant, operation: Operation, onStage: (stage: string) => void): Promise<TenantRunResult>;
}
