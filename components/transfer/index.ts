// Public API of the transfer engine (no Pulumi inside). Typical use:
//
//   const result = await sync(new S3Store({bucket, prefix}), new OciStore({namespace, bucket, prefix}), {
//     concurrency: 16, onEvent: (e) => ...,
//   });
//   result.manifestDigest  // the destination's data generation
//
// `plan()` lists and compares without writing. `manifestDigest()` recomputes the generation from
// any listing (hydration compares it with DataSync's output).
export { sync, plan, SyncError, type SyncOptions, type SyncResult, type SyncEvent, type SyncProgress } from "./sync";
export type { SyncPlan, PlanSummary, PlannedCopy, PlannedSkip, CopyReason, SkipReason } from "./plan";
export { largestFirst, PLAN_SAMPLE } from "./plan";
export { TRANSFER_DEFAULTS } from "./defaults";
export { manifestDigest, type ManifestEntry } from "./digest";
export { UnverifiableDestinationError } from "./copy";
export { LocalDirectoryStore } from "./local-store";
export { DEFAULT_RETRY, isTransient, type RetryPolicy } from "./retry";
export * from "./store";
