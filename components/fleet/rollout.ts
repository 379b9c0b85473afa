// Runs the planned waves through a TenantRunner and keeps the fleet state:
// - a wave runs at most `concurrency` tenants at once;
// - once a tenant of a wave failed, no new tenant of that wave starts (failedTenantStopsWave);
//   the ones running finish, the ones not started are `skipped` (they run on the next rollout);
// - a wave that ends with more than `maxFailures` failed tenants stops the rollout (canaries: 0);
// - re-running resumes: succeeded tenants are skipped, failed ones count as failures of their wave
//   and run again only with `retryFailed`, tenants left `running` by a killed process run again.
// The state is saved after every tenant starts and ends, so a killed rollout loses nothing.
import type { Wave } from "./waves";
import type { TenantRunner } from "./runner";
import type { FleetState, Operation, TenantRecord } from "./state";
import type { FleetTenant } from "./fleet-file";

export type RolloutEvent =
  | { type: "wave-start"; wave: string; toRun: number; total: number }
  | { type: "tenant-start"; wave: string; stack: string }
  | { type: "tenant-stage"; wave: string; stack: string; stage: string }
  | { type: "tenant-done"; wave: string; stack: string; record: TenantRecord }
  | { type: "tenant-kept"; wave: string; stack: string; record: TenantRecord }
  | { type: "wave-done"; wave: string; succeeded: number; failed: number; skipped: number }
  | { type: "stopped"; reason: string };

export interface RolloutOptions {
  waves: Wave[];
  operation: Operation;
  runner: TenantRunner;
  state: FleetState;
  /** Run tenants whose last run failed again (default false: they stay failed and count). */
  retryFailed?: boolean;
  /** Persist the state (called after each change, never concurrently). */
  save?: (state: FleetState) => void | Promise<void>;
  onEvent?: (event: RolloutEvent) => void;
  now?: () => Date;
}

export interface WaveOutcome {
  name: string;
  succeeded: string[];
  failed: string[];
  skipped: string[];
}

export interface RolloutResult {
  waves: WaveOutcome[];
  /** Why the rollout stopped before its last wave; undefined when every wave ran. */
  stoppedBy?: string;
}

export async function rollout(options: RolloutOptions): Promise<RolloutResult> {
  const { waves, operation, runner, state } = options;
  const now = options.now ?? (() => new Date());
  const emit = options.onEvent ?? (() => {});
  const records = (state.operations[operation] ??= {});
  let saving: Promise<void> = Promise.resolve();
  const save = () => {
    saving = saving.then(() => options.save?.(state));
    return saving;
  };

  const outcomes: WaveOutcome[] = [];
  for (const wave of waves) {
    const outcome: WaveOutcome = { name: wave.name, succeeded: [], failed: [], skipped: [] };
    outcomes.push(outcome);
    const queue: FleetTenant[] = [];
    for (const tenant of wave.tenants) {
      const record = records[tenant.stack];
      if (record?.status === "succeeded" || (record?.status === "failed" && !options.retryFailed)) {
        (record.status === "succeeded" ? outcome.succeeded : outcome.failed).push(tenant.stack);
        emit({ type: "tenant-kept", wave: wave.name, stack: tenant.stack, record });
      } else {
        queue.push(tenant);
      }
    }
    emit({ type: "wave-start", wave: wave.name, toRun: queue.length, total: wave.tenants.length });

    let waveStopped = wave.failedTenantStopsWave && outcome.failed.length > 0;
    const runOne = async (tenant: FleetTenant): Promise<void> => {
      const started = now();
      const record: TenantRecord = {
        wave: wave.name, status: "running", stageReached: null, startedAt: started.toISOString(),
        finishedAt: null, seconds: null, bytesSynced: null, ociPercent: null, error: null,
      };
      records[tenant.stack] = record;
      emit({ type: "tenant-start", wave: wave.name, stack: tenant.stack });
      await save();
      try {
        const result = await runner.run(tenant, operation, (stage) => {
          record.stageReached = stage;
          emit({ type: "tenant-stage", wave: wave.name, stack: tenant.stack, stage });
        });
        record.status = result.ok ? "succeeded" : "failed";
        record.stageReached = result.stageReached ?? record.stageReached;
        record.bytesSynced = result.bytesSynced;
        record.ociPercent = result.ociPercent;
        record.error = result.ok ? null : result.error ?? "failed without a message";
      } catch (err) {
        record.status = "failed";
        record.error = (err as Error).message ?? String(err);
      }
      const finished = now();
      record.finishedAt = finished.toISOString();
      record.seconds = (finished.getTime() - started.getTime()) / 1000;
      (record.status === "succeeded" ? outcome.succeeded : outcome.failed).push(tenant.stack);
      if (record.status === "failed" && wave.failedTenantStopsWave) waveStopped = true;
      emit({ type: "tenant-done", wave: wave.name, stack: tenant.stack, record });
      await save();
    };

    const workers = Array.from({ length: Math.min(wave.concurrency, queue.length) }, async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        if (waveStopped) {
          queue.unshift(next);
          return;
        }
        await runOne(next);
      }
    });
    await Promise.all(workers);

    for (const tenant of queue) {
      records[tenant.stack] = {
        wave: wave.name, status: "skipped", stageReached: records[tenant.stack]?.stageReached ?? null, startedAt: now().toISOString(),
        finishedAt: null, seconds: null, bytesSynced: null, ociPercent: null, error: "not started: an earlier tenant of the wave failed",
      };
      outcome.skipped.push(tenant.stack);
    }
    await save();
    emit({ type: "wave-done", wave: wave.name, succeeded: outcome.succeeded.length, failed: outcome.failed.length, skipped: outcome.skipped.length });

    if (outcome.failed.length > wave.maxFailures) {
      const stoppedBy = `${wave.name} has ${outcome.failed.length} failed tenant${outcome.failed.length === 1 ? "" : "s"} (${outcome.failed.join(", ")}), more than its limit of ${wave.maxFailures}: fix them, then re-run with --retry-failed`;
      emit({ type: "stopped", reason: stoppedBy });
      return { waves: outcomes, stoppedBy };
    }
  }
  return { waves: outcomes };
}
