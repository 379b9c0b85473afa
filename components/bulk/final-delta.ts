// After the bulk copy (AWS DataSync), our engine finishes the job: it syncs the final delta (what
// changed in the source since DataSync listed it, and anything DataSync left unverified), then
// plans again, and only a plan with nothing left to copy lets the manifest digest be output.
// DataSync verified what it transferred; this makes our engine's own check the last word.
import { plan, sync, type SyncOptions, type SyncResult } from "../transfer/sync";
import type { PlanSummary } from "../transfer/plan";
import type { ObjectStore } from "../transfer/store";

export class BulkVerificationError extends Error {
  /** `delta`: what the final delta's sync did, when it ran to the end. */
  constructor(message: string, readonly remaining: PlanSummary, readonly delta?: SyncResult) {
    super(message);
    this.name = "BulkVerificationError";
  }
}

export interface FinalDeltaResult {
  delta: SyncResult;
  /** The plan after the delta: copyObjects is 0. */
  verified: PlanSummary;
  manifestDigest: string;
}

export async function finalDeltaAndVerify(source: ObjectStore, destination: ObjectStore, opts: SyncOptions = {}): Promise<FinalDeltaResult> {
  // sync() throws SyncError when objects fail after their retries: nothing is verified then.
  const delta = await sync(source, destination, opts);
  if (delta.stoppedBy) throw new BulkVerificationError(`the final delta stopped: ${delta.stoppedBy}`, delta.plan, delta);
  const after = await plan(source, destination, opts);
  if (after.summary.copyObjects > 0) {
    const keys = after.copyExamples.slice(0, 5).map((c) => `${c.source.key} (${c.reason})`).join(", ");
    throw new BulkVerificationError(
      `after the bulk copy and the final delta, ${after.summary.copyObjects} object(s) still differ between ${after.summary.source} and ${after.summary.destination}: ${keys}` +
        `${after.summary.copyObjects > 5 ? ", ..." : ""}; no manifest digest is output until a run ends with nothing left to copy`,
      after.summary,
      delta,
    );
  }
  if (!delta.manifestDigest) throw new BulkVerificationError("the final delta produced no manifest digest", after.summary, delta);
  return { delta, verified: after.summary, manifestDigest: delta.manifestDigest };
}
