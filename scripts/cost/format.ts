// Text of the cost report: per tenant, per wave, the fleet, and the warnings.
import { formatBytes } from "../../components/transfer/format";
import { formatHours } from "../../components/transfer/copy-time";
import { PRICE_TABLE_DATE } from "../../components/cost/prices";
import type { FleetCost } from "../../components/cost/fleet";

const usd = (n: number | undefined) => (n === undefined ? "-" : `$${n.toFixed(2)}`);

export function formatFleetCost(cost: FleetCost): string {
  const header = ["tenant", "wave", "OCI $/month", "source", "from", "migration egress $", "OCI egress GB/month", "egress overage $", "1st copy (1 runner)"];
  const rows = cost.tenants.map((t) => [
    t.stack, t.wave, usd(t.monthly?.total), formatBytes(t.sourceBytes), t.sourceBytesFrom, usd(t.migrationUsd), String(t.egressGBPerMonth), usd(t.ociEgressOverageUsd),
    `${formatHours(t.copyHours)}${t.copyExceedsWindow ? " (over window)" : ""}`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd();
  const lines = [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line), ""];
  for (const w of cost.waves) lines.push(`${w.wave}: ${usd(w.monthlyUsd)}/month on OCI, ${formatBytes(w.sourceBytes)} to copy, ${usd(w.migrationUsd)} migration egress (the wave's copies in one month)`);
  const e = cost.ociEgress;
  lines.push(
    `fleet: ${usd(cost.monthlyUsd)}/month on OCI, ${usd(cost.migrationUsd)} migration egress (waves in separate months); ` +
      `OCI egress ${e.gbPerMonth} GB/month = ${Math.round(e.allowanceShare * 100)} % of the free ${e.allowanceGb} GB, overage ${usd(e.overageUsd)}/month`,
  );
  for (const w of cost.warnings) lines.push(`WARNING: ${w}`);
  lines.push(`(list prices of ${PRICE_TABLE_DATE}, components/cost/prices.ts: pay-as-you-go, before any negotiated discount)`);
  return lines.join("\n");
}
