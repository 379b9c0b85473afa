// How long the first full copy of a tenant takes on one runner, and whether it fits the copy
// window. Beyond the window the bulk copy belongs on a managed engine (`tundra:dataSync.bulk`,
// docs/scale.md) and this engine keeps the verification and the final delta.
import { formatMBps } from "./format";

/**
 * The engine's S3 -> OCI rate on one runner as measured by `npm run bench:sync` (best of 3, 303 MB,
 * 403 objects, 2 cores shared with the servers; README, 2026-12-06). On a real runner the network
 * path to S3 and OCI usually binds first: pass the rate measured there (`--runner-mbps`, or a
 * finished sync's `throughputMBps` output).
 */
export const SINGLE_RUNNER_MBPS = 206.5;
export const SINGLE_RUNNER_MBPS_SOURCE = "npm run bench:sync, engine S3->OCI, 2026-12-06";
/** Default window for the first full copy of one tenant. */
export const DEFAULT_COPY_WINDOW_HOURS = 6;

const MB = 1e6;

export interface CopyTimeEstimate {
  bytes: number;
  runnerMBps: number;
  hours: number;
  windowHours: number;
  exceedsWindow: boolean;
  /** Set when the copy does not fit the window: by how much, and what to do. */
  warning?: string;
}

export function estimateCopyTime(bytes: number, options: { runnerMBps?: number; windowHours?: number } = {}): CopyTimeEstimate {
  const runnerMBps = options.runnerMBps ?? SINGLE_RUNNER_MBPS;
  const windowHours = options.windowHours ?? DEFAULT_COPY_WINDOW_HOURS;
  if (!(runnerMBps > 0)) throw new Error(`the runner's rate must be a positive number of MB/s (got ${runnerMBps})`);
  if (!(windowHours > 0)) throw new Error(`the copy window must be a positive number of hours (got ${windowHours})`);
  if (!(bytes >= 0)) throw new Error(`the source size must be a number of bytes (got ${bytes})`);
  const hours = bytes / MB / runnerMBps / 3600;
  const estimate: CopyTimeEstimate = { bytes, runnerMBps, hours: Math.round(hours * 100) / 100, windowHours, exceedsWindow: hours > windowHours };
  if (estimate.exceedsWindow) {
    estimate.warning =
      `the first full copy takes about ${formatHours(hours)} at ${formatMBps(runnerMBps)} on one runner, over the ${windowHours} h window: ` +
      `run the bulk copy on AWS DataSync (tundra:dataSync.bulk, docs/scale.md) and keep this engine for the verification and the final delta`;
  }
  return estimate;
}

export function formatHours(hours: number): string {
  if (hours < 1) return `${Math.max(1, Math.round(hours * 60))} min`;
  if (hours < 48) return `${hours.toFixed(1)} h`;
  return `${(hours / 24).toFixed(1)} days`;
}
