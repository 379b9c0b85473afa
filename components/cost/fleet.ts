// Cost and egress per tenant, per wave and for the fleet: the monthly OCI cost of each tenant, what
// AWS bills to copy its data out (each wave priced as one month's egress, the free 100 GB once),
// and the tenancy's OCI egress against its shared free allowance.
import { estimateCopyTime, formatHours } from "../transfer/copy-time";
import { migrationEgress, monthlyOciCost, ociEgress, overageShare, type MonthlyCost, type OciEgress, type TenantSizing } from "./estimate";

export interface TenantCostInput {
  stack: string;
  wave: string;
  /** Undefined when the stack's config could not be read (the row says why). */
  sizing?: TenantSizing;
  configError?: string;
  /** Source size: the DataSync receipt of a finished sync, the S3 listing, or the fleet file. */
  sourceBytes: number;
  sourceBytesFrom: "receipt" | "listing" | "fleet file" | "unknown";
  egressGBPerMonth: number;
  /** The bulk copy runs on AWS DataSync (its per-GB fee is added). */
  dataSyncMode?: "basic" | "enhanced";
  infrequentShare?: number;
  /** The stack's `tundra:dataSync.copyWindowHours` (default 6). */
  copyWindowHours?: number;
}

export interface TenantCost {
  stack: string;
  wave: string;
  monthly?: MonthlyCost;
  configError?: string;
  sourceBytes: number;
  sourceBytesFrom: TenantCostInput["sourceBytesFrom"];
  /** This tenant's copy alone (free 100 GB included): an upper bound of its share. */
  migrationUsd: number;
  egressGBPerMonth: number;
  ociEgressOverageUsd: number;
  /** First full copy on one runner at the measured rate (components/transfer/copy-time.ts), hours. */
  copyHours: number;
  copyExceedsWindow: boolean;
}

export interface WaveCost {
  wave: string;
  monthlyUsd: number;
  sourceBytes: number;
  /** The wave's copies priced together through the tiers (one month's egress). */
  migrationUsd: number;
}

export interface FleetCost {
  tenants: TenantCost[];
  waves: WaveCost[];
  monthlyUsd: number;
  migrationUsd: number;
  ociEgress: OciEgress;
  warnings: string[];
}

const sum = (xs: number[]) => Math.round(xs.reduce((a, b) => a + b, 0) * 100) / 100;

export function fleetCost(inputs: TenantCostInput[], options: { runnerMBps?: number } = {}): FleetCost {
  const copyTimes = new Map(inputs.map((t) => [t.stack, estimateCopyTime(t.sourceBytes, { runnerMBps: options.runnerMBps, windowHours: t.copyWindowHours })]));
  const egress = ociEgress(inputs.reduce((a, t) => a + t.egressGBPerMonth, 0));
  const tenants = inputs.map((t): TenantCost => ({
    stack: t.stack,
    wave: t.wave,
    ...(t.sizing ? { monthly: monthlyOciCost(t.sizing, t.sourceBytes, t.infrequentShare) } : {}),
    ...(t.configError ? { configError: t.configError } : {}),
    sourceBytes: t.sourceBytes,
    sourceBytesFrom: t.sourceBytesFrom,
    migrationUsd: migrationEgress(t.sourceBytes, { dataSyncMode: t.dataSyncMode }).totalUsd,
    egressGBPerMonth: t.egressGBPerMonth,
    ociEgressOverageUsd: overageShare(t.egressGBPerMonth, egress),
    copyHours: copyTimes.get(t.stack)!.hours,
    copyExceedsWindow: copyTimes.get(t.stack)!.exceedsWindow,
  }));
  const waveNames = [...new Set(inputs.map((t) => t.wave))];
  const waves = waveNames.map((wave): WaveCost => {
    const members = inputs.filter((t) => t.wave === wave);
    const bytes = members.reduce((a, t) => a + t.sourceBytes, 0);
    const transfer = migrationEgress(bytes).transferUsd;
    const dataSync = members.reduce((a, t) => a + (t.dataSyncMode ? migrationEgress(t.sourceBytes, { dataSyncMode: t.dataSyncMode, freeGb: Infinity }).dataSyncUsd : 0), 0);
    return {
      wave,
      monthlyUsd: sum(tenants.filter((t) => t.wave === wave).map((t) => t.monthly?.total ?? 0)),
      sourceBytes: bytes,
      migrationUsd: sum([transfer, dataSync]),
    };
  });
  const warnings = [
    ...(egress.warning ? [egress.warning] : []),
    ...tenants.filter((t) => t.configError).map((t) => `${t.stack}: no monthly cost (${t.configError})`),
    ...inputs.filter((t) => copyTimes.get(t.stack)!.exceedsWindow && !t.dataSyncMode).map((t) => {
      const c = copyTimes.get(t.stack)!;
      return `${t.stack}: the first full copy takes about ${formatHours(c.hours)} on one runner, over its ${c.windowHours} h window: set tundra:dataSync.bulk (docs/scale.md)`;
    }),
    ...tenants.filter((t) => t.sourceBytesFrom === "unknown").map((t) => `${t.stack}: source size unknown (list it with --list-source, or set sourceBytes in the fleet file): migration egress counted as 0`),
  ];
  return {
    tenants,
    waves,
    monthlyUsd: sum(waves.map((w) => w.monthlyUsd)),
    migrationUsd: sum(waves.map((w) => w.migrationUsd)),
    ociEgress: egress,
    warnings,
  };
}
