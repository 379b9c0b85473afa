// The fleet state file: what each tenant's last run of each operation gave. Re-running the fleet
// reads it to skip the tenants that finished and (only when asked) retry the failed ones. JSON,
// validated on read: a hand-edited or truncated file is refused with the reason, never guessed at.
import * as fs from "fs";
import * as path from "path";
import { z } from "zod";

export const OPERATIONS = ["preview", "up", "refresh"] as const;
export type Operation = (typeof OPERATIONS)[number];

export const TENANT_STATUSES = ["running", "succeeded", "failed", "skipped"] as const;
export type TenantStatus = (typeof TENANT_STATUSES)[number];

const tenantRecordSchema = z.strictObject({
  wave: z.string(),
  status: z.enum(TENANT_STATUSES),
  /** Last stage of the tenant program the run reached (`foundation`, `dataSync`, ... `cutover`). */
  stageReached: z.string().nullable(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  seconds: z.number().nullable(),
  bytesSynced: z.number().nullable(),
  /** OCI's share of the tenant's DNS weight after the run, percent. */
  ociPercent: z.number().nullable(),
  error: z.string().nullable(),
});

export const fleetStateSchema = z.strictObject({
  version: z.literal(1),
  operations: z.partialRecord(z.enum(OPERATIONS), z.record(z.string(), tenantRecordSchema)),
});

export type TenantRecord = z.output<typeof tenantRecordSchema>;
export type FleetState = z.output<typeof fleetStateSchema>;

export function emptyState(): FleetState {
  return { version: 1, operations: {} };
}

export function readState(file: string): FleetState {
  if (!fs.existsSync(file)) return emptyState();
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (err) {
    throw new Error(`fleet state ${file} is not JSON (${(err as Error).message}): restore it from CI's artifact or move it away to start over`);
  }
  const result = fleetStateSchema.safeParse(raw);
  if (!result.success) throw new Error(`fleet state ${file} is not a version-1 fleet state (${result.error.issues[0].message} at ${result.error.issues[0].path.join(".")})`);
  return result.data;
}

/** Written to a temporary file and renamed: an interrupted write never leaves half a state. */
export function writeState(file: string, state: FleetState): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  fs.writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`);
  fs.renameSync(tmp, file);
}
