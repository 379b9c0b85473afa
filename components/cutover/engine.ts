// The cutover engine: moves a tenant's traffic from AWS to OCI through Route53 weighted records,
// step by step, baking each step behind health gates, and rolls back by itself when a gate fails.
// Plain TypeScript: the Cutover dynamic resource and scripts/rollback.ts are thin callers.
import type { ResourceRecordSet, Route53Client } from "@aws-sdk/client-route-53";
import { bake } from "./analysis";
import type { Clock } from "../common/clock";
import { groupTtl, liveWeights, normalizeName, PairAddress, PairRecords, RecordGroup, targetRecord } from "./records";
import type { CutoverPlan, HistoryEvent, Measurement, TargetSpec, Weights } from "./types";
import { formatWeights, ociPercentOf, weightsForOciPercent } from "./weights";

export interface EngineDeps {
  client: Route53Client;
  clock: Clock;
  log?: (line: string) => void;
  /** Longest interval between GetChange polls (default 5 s). */
  pollMs?: number;
  /** Part of the health checks' caller references: one per life of the resource (default "1"). */
  healthCheckGeneration?: string;
  /**
   * Called once with the weights live in Route53 when the walk starts, before it changes anything
   * (undefined: no weighted pair yet). The caller decides from them, not from its state, whether
   * OCI carried all traffic all along (an emergency rollback outside Pulumi leaves no trace there).
   */
  onLiveAtStart?: (weights: Weights | undefined) => void;
}

export interface CutoverReport {
  weights: Weights;
  ociPercent: number;
  healthCheckIds: { aws: string; oci: string };
  history: HistoryEvent[];
  /** Analysis runs of the last baked step. */
  measurements: Measurement[];
}

/** A gate failed: traffic was rolled back; `report.weights` are the weights now live. */
export class CutoverFailure extends Error {
  constructor(
    message: string,
    readonly report: CutoverReport,
    readonly failed: Measurement[],
  ) {
    super(message);
    this.name = "CutoverFailure";
  }
}

export const AWS_ONLY: Weights = { aws: 100, oci: 0 };

export function addressOf(plan: CutoverPlan): PairAddress {
  return {
    zoneId: plan.zoneId,
    recordName: plan.recordName,
    recordType: plan.recordType,
    awsSetIdentifier: plan.aws.setIdentifier,
    ociSetIdentifier: plan.oci.setIdentifier,
  };
}

function sortedValues(r: ResourceRecordSet): string {
  return (r.ResourceRecords ?? []).map((v) => v.Value ?? "").sort().join(",");
}

function recordMatches(live: ResourceRecordSet | undefined, want: ResourceRecordSet): boolean {
  if (!live) return false;
  const alias = (r: ResourceRecordSet) =>
    r.AliasTarget ? `${r.AliasTarget.HostedZoneId}|${normalizeName(r.AliasTarget.DNSName ?? "")}|${!!r.AliasTarget.EvaluateTargetHealth}` : "";
  return (
    (live.TTL ?? null) === (want.TTL ?? null) &&
    sortedValues(live) === sortedValues(want) &&
    alias(live) === alias(want) &&
    (live.HealthCheckId ?? "") === (want.HealthCheckId ?? "")
  );
}

/** The plain record must already point where the plan's AWS target points, or the "move" would redirect AWS traffic. */
function assertSimpleMatchesAws(simple: ResourceRecordSet, aws: TargetSpec): void {
  const liveValues = sortedValues(simple);
  const wantValues = [...(aws.values ?? [])].sort().join(",");
  const liveAlias = simple.AliasTarget ? normalizeName(simple.AliasTarget.DNSName ?? "") : "";
  const wantAlias = aws.alias ? normalizeName(aws.alias.dnsName) : "";
  if (liveValues !== wantValues || liveAlias !== wantAlias) {
    throw new Error(
      `the existing plain record ${simple.Name} ${simple.Type} points at ${liveAlias || liveValues}, but the AWS target is ` +
        `${wantAlias || wantValues}: set aws.values/aws.alias to what the record serves today, so the first change moves no traffic`,
    );
  }
}

type Note = (event: HistoryEvent["event"], weights: Weights, detail: string) => void;
type WritePair = (w: Weights, comment: string, extra?: Parameters<PairRecords["writePair"]>[3]) => Promise<number>;

/** The weighted pair as the walk starts from it. */
interface EstablishedPair {
  /** The weights live now (AWS 100% for a pair just made from the plain record). */
  live: Weights;
  /** The Route53 health checks the records carry ("" for none). */
  healthCheckIds: { aws: string; oci: string };
  /** Writes both records at these weights and waits for INSYNC (returns how long that took, ms). */
  write: WritePair;
}

/**
 * Phase 1 of a cutover, the pair setup: refuses weighted records at the name that the cutover does
 * not own, ensures the health checks, establishes the weighted pair at the live share with the
 * plan's low TTL (from the plain record, from nothing, or by bringing an existing pair's records
 * to the plan), then waits out the old TTL so that no resolver still caches an answer older than
 * the new TTL when the first shift lands.
 */
async function establishPair(plan: CutoverPlan, records: PairRecords, deps: EngineDeps, note: Note): Promise<EstablishedPair> {
  const { clock } = deps;
  const log = deps.log ?? (() => undefined);
  const pollMs = deps.pollMs ?? 5_000;
  const addr = addressOf(plan);

  const group = await records.readGroup();
  deps.onLiveAtStart?.(liveWeights(group));
  if (group.others.length > 0) {
    throw new Error(
      `${addr.recordName} ${addr.recordType} has weighted records this cutover does not own (set identifiers ` +
        `${group.others.map((r) => r.SetIdentifier).join(", ")}): remove them or use their set identifiers as aws/oci`,
    );
  }
  const healthCheckIds = {
    aws: plan.aws.healthCheck ? await records.ensureHealthCheck(plan.aws, plan.aws.healthCheck, deps.healthCheckGeneration ?? "1") : "",
    oci: plan.oci.healthCheck ? await records.ensureHealthCheck(plan.oci, plan.oci.healthCheck, deps.healthCheckGeneration ?? "1") : "",
  };
  const pair = (w: Weights): [ResourceRecordSet, ResourceRecordSet] => [
    targetRecord(addr, plan.aws, w.aws, plan.ttl, healthCheckIds.aws || undefined),
    targetRecord(addr, plan.oci, w.oci, plan.ttl, healthCheckIds.oci || undefined),
  ];
  const write: WritePair = async (w, comment, extra = []) => {
    const [aws, oci] = pair(w);
    const changeId = await records.writePair(aws, oci, comment, extra);
    return records.waitInSync(changeId, undefined, pollMs);
  };

  const oldTtl = groupTtl(group) ?? 0;
  let live = liveWeights(group);
  if (group.simple) {
    assertSimpleMatchesAws(group.simple, plan.aws);
    live = AWS_ONLY;
    await write(live, "tundra cutover: plain record becomes a weighted pair, AWS 100%", [{ Action: "DELETE", ResourceRecordSet: group.simple }]);
    note("migrate-simple-record", live, `plain record (TTL ${oldTtl}) replaced by weighted pair ${addr.awsSetIdentifier}/${addr.ociSetIdentifier}, TTL ${plan.ttl}`);
  } else if (!live) {
    live = AWS_ONLY;
    await write(live, "tundra cutover: create weighted pair, AWS 100%");
    note("migrate-simple-record", live, `created weighted pair, TTL ${plan.ttl}`);
  } else {
    const allZero = live.aws === 0 && live.oci === 0;
    if (allZero) {
      // All-zero splits traffic equally; the safe starting point is AWS, which is known good.
      log("live weights are all zero (Route53 splits equally): resetting to AWS 100% before walking the steps");
      live = AWS_ONLY;
    }
    const [wantAws, wantOci] = pair(live);
    if (allZero || !recordMatches(group.aws, wantAws) || !recordMatches(group.oci, wantOci)) {
      await write(live, "tundra cutover: records brought to the plan (TTL, targets, health checks) at the live weights");
      note("lower-ttl", live, `records rewritten at live weights (TTL ${oldTtl} -> ${plan.ttl}, targets and health checks as planned)`);
    }
  }
  if (oldTtl > plan.ttl) {
    log(`waiting out the old TTL of ${oldTtl} s`);
    await clock.sleep(oldTtl * 1000);
    note("lower-ttl", live, `waited out the old TTL of ${oldTtl} s`);
  }
  return { live, healthCheckIds, write };
}

export async function runCutover(plan: CutoverPlan, deps: EngineDeps): Promise<CutoverReport> {
  const { clock } = deps;
  const log = deps.log ?? (() => undefined);
  const addr = addressOf(plan);
  const records = new PairRecords(deps.client, clock, addr);
  const history: HistoryEvent[] = [];
  const note: Note = (event, weights, detail) => {
    history.push({ at: new Date(clock.now()).toISOString(), event, weights, detail });
    log(`${event}: ${formatWeights(weights)}${detail ? ` - ${detail}` : ""}`);
  };

  // 1. The weighted pair at the live share, with the low TTL and the old TTL waited out.
  const { live, healthCheckIds, write } = await establishPair(plan, records, deps, note);

  let current = ociPercentOf(live);
  const report = (w: Weights, measurements: Measurement[] = []): CutoverReport => ({
    weights: w,
    ociPercent: ociPercentOf(w),
    healthCheckIds,
    history,
    measurements,
  });

  // 2. Moving traffic back towards AWS needs no gates: one change.
  if (plan.targetOciPercent < current) {
    const w = weightsForOciPercent(plan.targetOciPercent);
    await write(w, `tundra cutover: OCI share lowered to ${plan.targetOciPercent}%`);
    note("step", w, `OCI share lowered from ${current}% to ${plan.targetOciPercent}% (towards AWS: no gates)`);
    note("complete", w, "");
    return report(w);
  }

  // 3. Walk the steps above the live share, baking each behind the gates.
  let lastGood = live;
  let measurements: Measurement[] = [];
  const path = plan.steps.filter((s) => s > current && s <= plan.targetOciPercent);
  for (const percent of path) {
    const w = weightsForOciPercent(percent);
    const syncMs = await write(w, `tundra cutover: OCI ${percent}%`);
    note("step", w, `OCI ${current}% -> ${percent}%, INSYNC after ${(syncMs / 1000).toFixed(1)} s`);
    // Resolvers may serve the previous answer for one TTL: bake only traffic that sees the new weights.
    await clock.sleep(plan.ttl * 1000);
    const outcome = await bake(plan.gates, plan.bakeMs, percent, {
      clock,
      log,
      ...(healthCheckIds.oci ? { healthOf: () => records.isHealthy(healthCheckIds.oci) } : {}),
    });
    measurements = outcome.measurements;
    if (!outcome.passed) {
      const back = plan.rollback === "aws" ? AWS_ONLY : lastGood;
      const detected = clock.now();
      await write(back, `tundra cutover: ROLLBACK from OCI ${percent}%`);
      const tookS = ((clock.now() - detected) / 1000).toFixed(1);
      const worst = outcome.failed[outcome.failed.length - 1];
      const why = `${outcome.failed.length} failed analysis run(s) (limit ${plan.gates.failureLimit}) at OCI ${percent}%; last: ${worst.reasons.join("; ")}`;
      note("rollback", back, `${why}; rolled back to ${formatWeights(back)}, INSYNC ${tookS} s after detection`);
      throw new CutoverFailure(
        `cutover of ${addr.recordName} stopped: ${why}. Rolled back to ${formatWeights(back)} (INSYNC ${tookS} s after detection; ` +
          `clients follow within the TTL of ${plan.ttl} s).`,
        report(back, measurements),
        outcome.failed,
      );
    }
    lastGood = w;
    current = percent;
    note("step-passed", w, `${outcome.measurements.length} analysis run(s) passed at OCI ${percent}%`);
  }
  note("complete", lastGood, `OCI at ${ociPercentOf(lastGood)}%`);
  return report(lastGood, measurements);
}

export interface LiveState {
  group: RecordGroup;
  weights?: Weights;
  ociPercent?: number;
  ttl?: number;
}

export async function readLive(addr: PairAddress, deps: EngineDeps): Promise<LiveState> {
  const group = await new PairRecords(deps.client, deps.clock, addr).readGroup();
  const weights = liveWeights(group);
  return { group, ...(weights ? { weights, ociPercent: ociPercentOf(weights) } : {}), ttl: groupTtl(group) };
}

export interface WeightChange {
  before: Weights;
  after: Weights;
  changeId: string;
  syncMs: number;
}

/**
 * Sets the live pair to `target` weights in one change, keeping every other field of the live
 * records (values, TTL, health checks). Used by the emergency rollback and by delete.
 */
export async function setLiveWeights(addr: PairAddress, target: Weights, comment: string, deps: EngineDeps): Promise<WeightChange> {
  const records = new PairRecords(deps.client, deps.clock, addr);
  const group = await records.readGroup();
  if (!group.aws || !group.oci) {
    throw new Error(
      `${addr.recordName} ${addr.recordType} has no weighted pair ${addr.awsSetIdentifier}/${addr.ociSetIdentifier} in zone ${addr.zoneId}` +
        `${group.simple ? " (it is still a plain record: traffic never moved)" : ""}`,
    );
  }
  const before = { aws: group.aws.Weight ?? 0, oci: group.oci.Weight ?? 0 };
  const changeId = await records.writePair({ ...group.aws, Weight: target.aws }, { ...group.oci, Weight: target.oci }, comment);
  const syncMs = await records.waitInSync(changeId, undefined, deps.pollMs ?? 5_000);
  return { before, after: target, changeId, syncMs };
}

/** Removes one side's record (after traffic left it) and the health check it used. */
export async function removeSide(addr: PairAddress, side: "aws" | "oci", deps: EngineDeps): Promise<void> {
  const records = new PairRecords(deps.client, deps.clock, addr);
  const group = await records.readGroup();
  const record = group[side];
  if (!record) return;
  if ((record.Weight ?? 0) > 0) throw new Error(`refusing to delete the ${side} record while it still has weight ${record.Weight}`);
  const changeId = await records.deleteRecord(record, `tundra cutover: remove the ${side} record`);
  await records.waitInSync(changeId, undefined, deps.pollMs ?? 5_000);
  if (record.HealthCheckId) await records.deleteHealthCheck(record.HealthCheckId);
}
