// The fleet summary: one row per tenant (wave, stage reached, result, time, bytes synced, cutover
// share), as a text table for the terminal and as plain data for --json and the HTML page.
import { formatBytes } from "../transfer/format";
import type { Wave } from "./waves";
import type { FleetState, Operation, TenantStatus } from "./state";

export interface SummaryRow {
  stack: string;
  wave: string;
  /** `pending` when this operation never ran for the tenant. */
  result: TenantStatus | "pending";
  stageReached: string | null;
  seconds: number | null;
  bytesSynced: number | null;
  ociPercent: number | null;
  error: string | null;
}

export function summaryRows(waves: Wave[], state: FleetState, operation: Operation): SummaryRow[] {
  const records = state.operations[operation] ?? {};
  return waves.flatMap((wave) =>
    wave.tenants.map((t): SummaryRow => {
      const r = records[t.stack];
      return {
        stack: t.stack, wave: wave.name, result: r?.status ?? "pending", stageReached: r?.stageReached ?? null,
        seconds: r?.seconds ?? null, bytesSynced: r?.bytesSynced ?? null, ociPercent: r?.ociPercent ?? null, error: r?.error ?? null,
      };
    }),
  );
}

export function formatDuration(seconds: number | null): string {
  if (seconds === null) return "-";
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  const m = Math.floor(seconds / 60);
  return m < 60 ? `${m}m${String(Math.round(seconds % 60)).padStart(2, "0")}s` : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`;
}

export function formatBytesShort(bytes: number | null): string {
  return bytes === null ? "-" : formatBytes(bytes);
}

/** A plain text table; `extra` adds columns (e.g. the cost estimate) keyed by stack. */
export function formatSummaryTable(rows: SummaryRow[], extra: { headers: string[]; cells: (stack: string) => string[] } = { headers: [], cells: () => [] }): string {
  const header = ["tenant", "wave", "stage reached", "result", "time", "bytes synced", "cutover (OCI %)", ...extra.headers];
  const body = rows.map((r) => [
    r.stack, r.wave, r.stageReached ?? "-", r.result, formatDuration(r.seconds), formatBytesShort(r.bytesSynced),
    r.ociPercent === null ? "-" : `${r.ociPercent}%`, ...extra.cells(r.stack),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...body.map(line)].join("\n");
}
