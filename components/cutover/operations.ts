// The Cutover resource's operations (the Operations contract of components/dynamic/operations.ts),
// run in the provider host: check with the zod schema of spec.ts, then the cutover engine.
import { randomUUID } from "crypto";
import type * as pulumi from "@pulumi/pulumi";
import { systemClock } from "../common/clock";
import { checkAgainst } from "../dynamic/check";
import type { ConfigReader, Props } from "../dynamic/operations";
import { plainJson } from "../dynamic/outputs";
import type { StateVersions } from "../dynamic/state-version";
import { withTimeout } from "../dynamic/timeout";
import { isUnknown } from "../dynamic/unknown";
import { addressOf, AWS_ONLY, CutoverReport, EngineDeps, readLive, removeSide, runCutover, setLiveWeights } from "./engine";
import { makeRoute53Client, route53EndpointFrom, normalizeName, PairAddress, PairRecords } from "./records";
import { CutoverInputs, DEFAULT_SET_IDENTIFIERS, describeSafety, describeTransition, inputsSchema, planOf } from "./spec";
import type { CutoverPlan, Measurement, Weights } from "./types";
import { ociPercentOf, sameWeights, weightsForOciPercent } from "./weights";

export const resourceName = "Cutover";

/** Version 1 is the only one: every Cutover state ever written carries `schemaVersion: 1`. */
export const stateVersions: StateVersions = { current: 1, migrations: {} };

/** Provider settings: never inputs, so nothing here lands in the state. */
export interface CutoverSettings {
  /** Route53 endpoint override (tests); otherwise the AWS default. Config `route53Endpoint`, env TUNDRA_ROUTE53_ENDPOINT. */
  route53Endpoint?: string;
}

export function settingsFrom(config: ConfigReader, env: NodeJS.ProcessEnv): CutoverSettings {
  const route53Endpoint = route53EndpointFrom(config, env);
  return route53Endpoint ? { route53Endpoint } : {};
}

const INPUT_KEYS = [
  "zoneId",
  "recordName",
  "recordType",
  "ttl",
  "aws",
  "oci",
  "targetOciPercent",
  "steps",
  "bake",
  "gates",
  "rollback",
  "awsDecommissioned",
] as const;

/** The resource's inputs out of inputs or state (which also hold outputs and `__provider`). */
function inputsOf(props: Props): Partial<CutoverInputs> {
  const out: Props = {};
  for (const key of INPUT_KEYS) if (props[key] !== undefined) out[key] = props[key];
  return out as Partial<CutoverInputs>;
}

/** The plan and the refusals for inputs or state; no plan while some input is unknown. */
function planAndFailures(props: Props): { plan?: CutoverPlan; failures: { property: string; reason: string }[] } {
  const checked = checkAgainst(inputsSchema, inputsOf(props));
  return { plan: planOf(checked.inputs), failures: checked.failures };
}

function engineDeps(settings: CutoverSettings): EngineDeps {
  return {
    client: makeRoute53Client(settings.route53Endpoint),
    clock: systemClock,
    // pulumi.log does not reach the engine from a dynamic provider: progress goes to stderr.
    log: (line) => console.error(`[cutover] ${line}`),
  };
}

function addressOfProps(props: Props): PairAddress {
  return {
    zoneId: props.zoneId,
    recordName: props.recordName,
    recordType: props.recordType ?? "A",
    awsSetIdentifier: props.aws?.setIdentifier ?? DEFAULT_SET_IDENTIFIERS.aws,
    ociSetIdentifier: props.oci?.setIdentifier ?? DEFAULT_SET_IDENTIFIERS.oci,
  };
}

function resourceId(addr: PairAddress): string {
  return `${addr.zoneId}/${normalizeName(addr.recordName)}/${addr.recordType}`;
}

/** The live weights if Route53 can be read now; undefined (with the reason) otherwise. */
async function tryLive(props: Props, settings: CutoverSettings): Promise<{ weights?: Weights; exists: boolean; error?: string }> {
  const addr = addressOfProps(props);
  if (isUnknown([addr.zoneId, addr.recordName, addr.recordType, addr.awsSetIdentifier, addr.ociSetIdentifier])) {
    return { exists: false, error: "record address unknown until apply" };
  }
  if (!addr.zoneId || !addr.recordName) return { exists: false, error: "no record address" };
  try {
    const live = await withTimeout(readLive(addr, engineDeps(settings)), 15_000, "reading the live weights");
    return { exists: live.weights !== undefined, ...(live.weights ? { weights: live.weights } : {}) };
  } catch (err) {
    return { exists: false, error: (err as Error).message };
  }
}

export async function check(olds: Props, news: Props, settings: CutoverSettings): Promise<pulumi.dynamic.CheckResult> {
  const { failures } = checkAgainst(inputsSchema, inputsOf(news));
  let from: Parameters<typeof describeTransition>[1];
  const live = await tryLive(news, settings);
  const recorded = typeof olds.targetOciPercent === "number" ? olds.targetOciPercent : undefined;
  if (live.weights) {
    const percent = ociPercentOf(live.weights);
    from = { percent, source: "live", ...(recorded !== undefined && recorded !== percent ? { note: `live; the last run targeted ${recorded}%` } : {}) };
  } else if (live.error === undefined) {
    from = { percent: 0, source: "new", note: "new weighted pair" };
  } else {
    const reason = live.error.length > 120 ? `${live.error.slice(0, 117)}...` : live.error;
    from = { percent: recorded ?? 0, source: "recorded", note: `live weights not read: ${reason}` };
  }
  // Renaming a side in place would leave the old record behind as a foreign weighted record.
  const before = addressOfProps(olds);
  const after = addressOfProps(news);
  const sameName =
    olds.zoneId !== undefined &&
    before.zoneId === after.zoneId &&
    normalizeName(String(before.recordName)) === normalizeName(String(after.recordName)) &&
    before.recordType === after.recordType;
  for (const side of ["aws", "oci"] as const) {
    const was = side === "aws" ? before.awsSetIdentifier : before.ociSetIdentifier;
    const now = side === "aws" ? after.awsSetIdentifier : after.ociSetIdentifier;
    if (sameName && !isUnknown(now) && was !== now) {
      failures.push({
        property: `${side}.setIdentifier`,
        reason: `cannot change on a live cutover (${JSON.stringify(was)} -> ${JSON.stringify(now)}): the old record would stay in the weighted set; keep ${JSON.stringify(was)}`,
      });
    }
  }
  const inputs = {
    ...news,
    transition: describeTransition(inputsOf(news), from),
    safety: describeSafety(inputsOf(news)),
  };
  return { inputs, failures };
}

export async function diff(_id: string, olds: Props, news: Props, settings: CutoverSettings): Promise<pulumi.dynamic.DiffResult> {
  const before = addressOfProps(olds);
  const after = addressOfProps(news);
  const replaces: string[] = [];
  if (before.zoneId !== after.zoneId) replaces.push("zoneId");
  if (normalizeName(String(before.recordName)) !== normalizeName(String(after.recordName))) replaces.push("recordName");
  if (before.recordType !== after.recordType) replaces.push("recordType");
  const newInputs = inputsOf(news);
  if (isUnknown(newInputs)) return { changes: true, replaces, deleteBeforeReplace: false };

  const oldPlan = planAndFailures(olds).plan;
  const newPlan = planAndFailures(news).plan;
  const specChanged =
    JSON.stringify(oldPlan ?? null) !== JSON.stringify(newPlan ?? null) || Boolean(olds.awsDecommissioned) !== Boolean(news.awsDecommissioned);
  const target = weightsForOciPercent(Number(news.targetOciPercent));
  const live = await tryLive(news, settings);
  const recorded: Weights = { aws: Number(olds.awsWeight ?? -1), oci: Number(olds.ociWeight ?? -1) };
  // Read fine but no pair (deleted by hand): drifted. Not readable: judge by what the state recorded.
  const drifted = live.error === undefined ? !live.weights || !sameWeights(live.weights, target) : !sameWeights(recorded, target);
  const unfinished = olds.status !== "complete";
  return { changes: specChanged || drifted || unfinished || replaces.length > 0, replaces, deleteBeforeReplace: false };
}

const HISTORY_KEPT = 60;

/**
 * When OCI began carrying all traffic (ISO time); "" when AWS has any weight. The decommission
 * assessment counts days from it (components/decommission), so it follows the weights this walk
 * found live, not the state: the recorded time is kept only when OCI already had everything live
 * when the walk started. After an emergency rollback (scripts/rollback.ts, outside Pulumi) the
 * state still says 100%, but the walk starts from AWS weight and the time restarts when this walk
 * reaches full OCI. Unknown start weights count as not full (a later time only delays decommission).
 */
function ociFullSinceOf(weights: Weights, liveAtStart: Weights | undefined, olds: Props | undefined, history: CutoverReport["history"]): string {
  const full = (w: Weights | undefined) => w !== undefined && w.aws === 0 && w.oci > 0;
  if (!full(weights)) return "";
  if (full(liveAtStart) && typeof olds?.ociFullSince === "string" && olds.ociFullSince) return olds.ociFullSince;
  const reached = history.find((h) => h.event === "step" && full(h.weights));
  return reached?.at ?? new Date().toISOString();
}

function outputsOf(
  inputs: Props,
  olds: Props | undefined,
  report: Pick<CutoverReport, "weights" | "healthCheckIds" | "history">,
  liveAtStart: Weights | undefined,
  extra: Props,
): Props {
  // History spans runs (a rollback, then the run that resumed), newest last.
  const earlier = Array.isArray(olds?.history) ? olds!.history : [];
  return plainJson({
    ...inputs,
    schemaVersion: stateVersions.current,
    awsWeight: report.weights.aws,
    ociWeight: report.weights.oci,
    ociPercent: ociPercentOf(report.weights),
    healthCheckIds: report.healthCheckIds,
    ociFullSince: ociFullSinceOf(report.weights, liveAtStart, olds, report.history),
    history: [...earlier, ...report.history].slice(-HISTORY_KEPT),
    ...extra,
  });
}

function partialFailure(message: string, id: string, properties: Props): Error {
  return Object.assign(new Error(message), { id, properties, reasons: [message] });
}

async function walk(inputs: Props, olds: Props | undefined, settings: CutoverSettings): Promise<{ id: string; outs: Props }> {
  const { plan, failures } = planAndFailures(inputs);
  if (!plan) {
    const text = failures.map((f) => `${f.property}: ${f.reason}`).join("; ") || "some inputs are still unknown";
    throw new Error(`invalid cutover inputs: ${text}`);
  }
  // One generation per life of the resource, kept across updates (see ensureHealthCheck).
  const healthCheckGeneration: string =
    typeof olds?.healthCheckGeneration === "string" && olds.healthCheckGeneration ? olds.healthCheckGeneration : randomUUID().slice(0, 8);
  let liveAtStart: Weights | undefined;
  const deps: EngineDeps = { ...engineDeps(settings), healthCheckGeneration, onLiveAtStart: (w) => (liveAtStart = w) };
  const id = resourceId(addressOf(plan));
  try {
    const report = await runCutover(plan, deps);
    const outs = outputsOf(inputs, olds, report, liveAtStart, { status: "complete", lastError: "", lastMeasurements: report.measurements, healthCheckGeneration });
    // A health check the records no longer use (its settings changed) is removed.
    for (const side of ["aws", "oci"] as const) {
      const old = olds?.healthCheckIds?.[side];
      if (old && old !== report.healthCheckIds[side]) {
        await new PairRecords(deps.client, deps.clock, addressOf(plan)).deleteHealthCheck(old).catch((err) => deps.log?.(`health check ${old} kept: ${err.message}`));
      }
    }
    return { id, outs };
  } catch (err) {
    const e = err as Error & { report?: CutoverReport; failed?: Measurement[] };
    if (e.name === "CutoverFailure" && e.report) {
      throw partialFailure(e.message, id, outputsOf(inputs, olds, e.report, liveAtStart, { status: "rolled-back", lastError: e.message, lastMeasurements: e.failed ?? [], healthCheckGeneration }));
    }
    // Failed for another reason (API error, timeout): record what is live, if anything is.
    const live = await tryLive(inputs, settings);
    if (live.weights) {
      throw partialFailure(
        `cutover of ${plan.recordName} failed: ${e.message}`,
        id,
        outputsOf(
          inputs,
          olds,
          { weights: live.weights, healthCheckIds: olds?.healthCheckIds ?? { aws: "", oci: "" }, history: [] },
          liveAtStart,
          { status: "failed", lastError: e.message, lastMeasurements: [], healthCheckGeneration },
        ),
      );
    }
    throw err;
  }
}

export async function create(inputs: Props, settings: CutoverSettings): Promise<pulumi.dynamic.CreateResult> {
  return walk(inputs, undefined, settings);
}

export async function update(_id: string, olds: Props, news: Props, settings: CutoverSettings): Promise<pulumi.dynamic.UpdateResult> {
  const { outs } = await walk(news, olds, settings);
  return { outs };
}

/** `pulumi refresh`: the weights live in Route53, so a hand-made change shows up. */
export async function read(id: string, props: Props, settings: CutoverSettings): Promise<pulumi.dynamic.ReadResult> {
  const live = await readLive(addressOfProps(props), engineDeps(settings));
  if (!live.weights) return { id: "", props: {} };
  return {
    id,
    props: plainJson({
      ...props,
      awsWeight: live.weights.aws,
      ociWeight: live.weights.oci,
      ociPercent: ociPercentOf(live.weights),
      // AWS has weight again (a hand-made or emergency rollback): OCI no longer carries everything.
      ociFullSince: live.weights.aws === 0 && live.weights.oci > 0 ? (props.ociFullSince ?? "") : "",
    }),
  };
}

/** Restores AWS 100% and removes the OCI record; with awsDecommissioned, keeps OCI 100% and removes the AWS record. */
export async function remove(_id: string, props: Props, settings: CutoverSettings): Promise<void> {
  const addr = addressOfProps(props);
  const deps = engineDeps(settings);
  const live = await readLive(addr, deps);
  if (!live.group.aws || !live.group.oci) {
    deps.log?.(`${addr.recordName}: no weighted pair left, nothing to restore`);
    return;
  }
  const decommissioned = props.awsDecommissioned === true;
  if (decommissioned && ociPercentOf(live.weights!) < 100) {
    // A delete must never be the step that moves traffic onto OCI: that is what the gates are for.
    throw new Error(
      `${addr.recordName}: AWS is marked decommissioned but OCI serves only ${ociPercentOf(live.weights!)}% live ` +
        `(${JSON.stringify(live.weights)}); refusing to move traffic in a delete. Finish the cutover with \`pulumi up\` ` +
        "(targetOciPercent 100) or set awsDecommissioned to false to restore AWS instead.",
    );
  }
  const keep: Weights = decommissioned ? { aws: 0, oci: 100 } : AWS_ONLY;
  if (!sameWeights(live.weights!, keep)) {
    const change = await setLiveWeights(addr, keep, `tundra cutover: resource deleted, ${decommissioned ? "OCI" : "AWS"} 100%`, deps);
    deps.log?.(`delete: ${JSON.stringify(change.before)} -> ${JSON.stringify(change.after)} (${change.changeId}, INSYNC after ${change.syncMs} ms)`);
  }
  await removeSide(addr, decommissioned ? "aws" : "oci", deps);
}
