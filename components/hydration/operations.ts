// What the Hydration dynamic provider does (the Operations contract of components/dynamic/):
// create/update check the bucket prefix really holds the requested generation, write its
// manifest, publish the desired generation, then wait until every node's receipt for this
// request says ok. Failure or timeout: an error naming each unfinished node and its last status,
// with partial state recorded. read: which nodes are not on the expected generation. Loaded in
// the provider host by components/dynamic/dispatch.ts; no Pulumi import.
import * as crypto from "crypto";
import type * as pulumi from "@pulumi/pulumi";
import { systemClock, type Clock } from "../common/clock";
import { checkAgainst, parsedWhereKnown } from "../dynamic/check";
import type { ConfigReader, Props } from "../dynamic/operations";
import { plainJson } from "../dynamic/outputs";
import type { StateVersions } from "../dynamic/state-version";
import { isUnknown, UNKNOWN } from "../dynamic/unknown";
import { formatBytes } from "../transfer/format";
import { OciStore, type OciAuth } from "../transfer/oci-store";
import type { ObjectStore } from "../transfer/store";
import { CONTROL_KEYS, CONTROL_SCHEMA_VERSION, desiredSchema, prefixOverlap, receiptSchema, type Desired, type Receipt } from "./control";
import { getJson, putJson } from "./control-io";
import { manifestForGeneration } from "./manifest";
import { inputsSchema, type HydrationInputs, type HydrationOutputs, type NodeOutcome } from "./spec";

export const resourceName = "Hydration";

/** Version 1 since the first Hydration: every state it wrote carries schemaVersion. */
export const stateVersions: StateVersions = { current: 1, migrations: {} };

export interface WaitOptions {
  pollMs?: number;
  clock?: Clock;
}

export interface HydrationSettings {
  /** Credentials of `pulumi up`, never inputs or state (components/oci-auth.ts). */
  oci: OciAuth;
  /** How the wait polls the receipts (tests drive it; default every second on the system clock). */
  wait?: WaitOptions;
}

/**
 * The one precedence of components/oci-auth.ts: the stack's `tundra:oci` section, then OCI_CLI_*,
 * then api_key DEFAULT.
 */
export function settingsFrom(config: ConfigReader, env: NodeJS.ProcessEnv): HydrationSettings {
  const { ociAuthFromStack } = require("../oci-auth") as typeof import("../oci-auth");
  return { oci: ociAuthFromStack(config, env) };
}

/** Inputs the engine adds (`__provider`) or check computes (`transition`): not for the schema. */
const NOT_INPUTS = new Set(["__provider", "transition"]);

/** check: validate (skipping unknowns), normalize defaults, add the readable `transition`. */
export async function check(olds: Props, news: Props): Promise<pulumi.dynamic.CheckResult> {
  const written = Object.fromEntries(Object.entries(news).filter(([k]) => !NOT_INPUTS.has(k)));
  const { inputs, failures } = checkAgainst(inputsSchema, written);
  const checked: Props = inputs ?? parsedWhereKnown(inputsSchema, written);
  const fine = (k: string) => !failures.some((f) => f.property === k) && typeof checked[k] === "string" && !isUnknown(checked[k]);
  if (fine("prefix") && fine("controlPrefix") && prefixOverlap(checked.prefix, checked.controlPrefix)) {
    failures.push({ property: "controlPrefix", reason: `controlPrefix ${checked.controlPrefix} overlaps prefix ${checked.prefix}: the data prefix must not contain the control objects` });
  }
  return { inputs: { ...checked, transition: describeTransition(Object.keys(olds).length ? olds : undefined, news) }, failures };
}

export async function diff(_id: string, olds: Props, news: Props): Promise<pulumi.dynamic.DiffResult> {
  const same = (k: string) => JSON.stringify(olds[k] ?? "") === JSON.stringify(news[k] ?? "");
  const changed = [...WORK_FIELDS, ...SETTING_FIELDS].filter((k) => !same(k));
  // A failed or drifted hydration must be retried by the next `up` even with the same inputs.
  const unhealthy = olds.complete === false || (Array.isArray(olds.offGeneration) && olds.offGeneration.length > 0);
  return { changes: changed.length > 0 || unhealthy, replaces: REPLACE_FIELDS.filter((k) => !same(k)), deleteBeforeReplace: false };
}

export async function create(inputs: Props, settings: HydrationSettings): Promise<pulumi.dynamic.CreateResult> {
  return hydrate(inputs, settings);
}

export async function update(_id: string, _olds: Props, news: Props, settings: HydrationSettings): Promise<pulumi.dynamic.UpdateResult> {
  const { outs } = await hydrate(news, settings);
  return { outs };
}

/** read (refresh): the nodes' receipts now. Gone when the desired-generation object is gone. */
export async function read(id: string, props: Props, settings: HydrationSettings): Promise<pulumi.dynamic.ReadResult> {
  const inputs = storedInputs(props);
  const { control } = stores(inputs, settings.oci);
  const desired = await getJson(control, CONTROL_KEYS.desired, desiredSchema);
  if (!desired) return { id: "", props: {} };
  const nodeStatus: Record<string, NodeOutcome> = {};
  for (const node of inputs.nodes) {
    // The node's latest receipt, whichever request it answers: it tells what the node serves now.
    const receipt = await getJson(control, CONTROL_KEYS.receipt(node), receiptSchema);
    nodeStatus[node] = outcomeOf(receipt, receipt?.requestId ?? "");
  }
  const offGeneration = inputs.nodes.filter((n) => nodeStatus[n].live !== inputs.generation);
  return { id, props: { ...props, nodeStatus, offGeneration, complete: offGeneration.length === 0 } };
}

/** delete: remove the control objects; nodes keep serving what they have. */
export async function remove(_id: string, props: Props, settings: HydrationSettings): Promise<void> {
  const inputs = storedInputs(props);
  const { control } = stores(inputs, settings.oci);
  await control.delete(CONTROL_KEYS.desired);
  await control.delete(CONTROL_KEYS.manifest(inputs.generation));
  for (const node of inputs.nodes) await control.delete(CONTROL_KEYS.receipt(node));
}

const short = (g: unknown) => (typeof g === "string" && g.startsWith("sha256:") ? `${g.slice(7, 19)}` : g === UNKNOWN || g === undefined ? "(known after DataSync)" : String(g));

/** Readable one-liner for `pulumi preview --diff`. */
function describeTransition(olds: Record<string, unknown> | undefined, news: Record<string, unknown>): string {
  const nodes = Array.isArray(news.nodes) ? (news.nodes as unknown[]).map(String).join(", ") : "(nodes known after the cluster)";
  const from = olds?.generation === undefined ? "none" : short(olds.generation);
  const to = short(news.generation);
  return from === to && news.generation !== UNKNOWN ? `generation ${to} (unchanged) on ${nodes}` : `generation ${from} -> ${to} on ${nodes}`;
}

const WORK_FIELDS = ["nodes", "namespace", "bucket", "region", "prefix", "controlPrefix", "generation", "endpoint", "requireMultipath", "dataAttachmentMultipath"] as const;
const SETTING_FIELDS = ["timeoutSeconds", "concurrency"] as const;
const REPLACE_FIELDS = ["namespace", "bucket", "controlPrefix"] as const;

function stores(inputs: HydrationInputs, auth: OciAuth): { data: ObjectStore; control: ObjectStore } {
  const common = { bucket: inputs.bucket, namespace: inputs.namespace, region: inputs.region, endpoint: inputs.endpoint, auth };
  return { data: new OciStore({ ...common, prefix: inputs.prefix }), control: new OciStore({ ...common, prefix: inputs.controlPrefix }) };
}

function resourceId(inputs: Pick<HydrationInputs, "namespace" | "bucket" | "controlPrefix">): string {
  return `hydration:${inputs.namespace}/${inputs.bucket}/${inputs.controlPrefix}`;
}

/** The inputs inside checked inputs or stored state (which keeps `endpoint: ""` for "none"). */
function storedInputs(raw: Props): HydrationInputs {
  const fields = Object.entries(raw).filter(([k, v]) => k in inputsSchema.shape && !(k === "endpoint" && v === ""));
  const parsed = inputsSchema.safeParse(Object.fromEntries(fields));
  if (!parsed.success) throw new Error(`Hydration inputs are invalid: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  return parsed.data;
}

function outcomeOf(receipt: Receipt | undefined, requestId: string): NodeOutcome {
  if (!receipt || receipt.requestId !== requestId) {
    return { status: "no-receipt", live: receipt?.live ?? "", files: 0, bytes: 0, downloadedBytes: 0, durationMs: 0, error: "" };
  }
  return {
    status: receipt.status,
    live: receipt.live,
    files: receipt.files,
    bytes: receipt.bytes,
    downloadedBytes: receipt.downloadedBytes,
    durationMs: receipt.durationMs,
    error: receipt.error,
  };
}

/** One line per unfinished node: what it last said and how long ago its progress last moved. */
function describeNode(node: string, receipt: Receipt | undefined, requestId: string, lastChangeMs: number | undefined, now: number): string {
  const quiet = lastChangeMs === undefined ? "" : `, no progress for ${Math.round((now - lastChangeMs) / 1000)} s`;
  if (!receipt) return `${node}: no receipt at all (agent not installed, not running, or cannot reach the bucket)`;
  if (receipt.requestId !== requestId) {
    return `${node}: no receipt for this request (agent stalled or not polling; its last receipt: ${receipt.status} for generation ${short(receipt.generation)} at ${receipt.updatedAt})`;
  }
  if (receipt.status === "loading") return `${node}: loading, ${receipt.doneFiles}/${receipt.files} files, ${formatBytes(receipt.downloadedBytes)} of ${formatBytes(receipt.bytes)} downloaded${quiet}`;
  return `${node}: ${receipt.status}${receipt.error ? `: ${receipt.error}` : ""}`;
}

/**
 * Nodes whose data attachment is not multipath-enabled when the volumes are UHP. OCI attaches a
 * UHP volume single-path when a prerequisite is missing ("Configuring Attachments to Ultra High
 * Performance Volumes"), and the volume then works at a fraction of its level: not ready.
 */
function singlePathNodes(inputs: Pick<HydrationInputs, "nodes" | "requireMultipath" | "dataAttachmentMultipath">): string[] {
  return inputs.requireMultipath ? inputs.nodes.filter((n) => inputs.dataAttachmentMultipath[n] !== true) : [];
}

function refuseSinglePath(inputs: HydrationInputs): void {
  const nodes = singlePathNodes(inputs);
  if (nodes.length === 0) return;
  const lines = nodes.map((n) => `${n}: ${n in inputs.dataAttachmentMultipath ? "isMultipath is false" : "no isMultipath reported for its attachment"}`);
  throw new Error(
    `Hydration refused on ${nodes.length} of ${inputs.nodes.length} nodes (${nodes.join(", ")}): the data volumes are Ultra High Performance ` +
    `but these nodes' data attachments are not multipath-enabled, so they would serve at single-path performance:\n  ${lines.join("\n  ")}\n` +
    "Nothing was published. Check the prerequisites of Oracle's \"Configuring Attachments to Ultra High Performance Volumes\" (shape config, " +
    "Oracle Linux image with UEK6U1 or later, Block Volume Management plugin, service gateway, the plugin's policy), then detach and re-attach " +
    "the volume: `pulumi up --replace <urn of the node's data-attachment>`.",
  );
}

/** create and update: publish, wait, report. Throws a partial-state error on failure or timeout. */
async function hydrate(raw: Props, settings: HydrationSettings): Promise<{ id: string; outs: HydrationOutputs }> {
  const inputs = storedInputs(raw);
  const auth = settings.oci;
  const opts = settings.wait ?? {};
  refuseSinglePath(inputs);
  const id = resourceId(inputs);
  const { data, control } = stores(inputs, auth);
  const clock = opts.clock ?? systemClock;
  const now = () => clock.now();
  const pollMs = opts.pollMs ?? 1000;

  const manifest = await manifestForGeneration(data, control, inputs.prefix, inputs.generation);
  const desired: Desired = {
    schemaVersion: CONTROL_SCHEMA_VERSION,
    generation: inputs.generation,
    prefix: inputs.prefix,
    requestId: crypto.randomUUID(),
    requestedAt: new Date(now()).toISOString(),
    nodes: inputs.nodes,
    concurrency: inputs.concurrency,
  };
  await putJson(control, CONTROL_KEYS.desired, desired);

  const deadline = now() + inputs.timeoutSeconds * 1000;
  const receipts = new Map<string, Receipt | undefined>();
  const lastChange = new Map<string, number>();
  const settled = () => inputs.nodes.every((n) => {
    const r = receipts.get(n);
    return r?.requestId === desired.requestId && (r.status === "ok" || r.status === "failed");
  });
  for (;;) {
    await Promise.all(inputs.nodes.map(async (node) => {
      const receipt = await getJson(control, CONTROL_KEYS.receipt(node), receiptSchema).catch(() => receipts.get(node));
      // Progress, not the heartbeat: a live agent whose download is stuck still rewrites updatedAt.
      const progress = (r: Receipt | undefined) => (r ? `${r.requestId}/${r.status}/${r.doneFiles}/${r.downloadedBytes}` : "");
      if (progress(receipts.get(node)) !== progress(receipt) || !lastChange.has(node)) lastChange.set(node, now());
      receipts.set(node, receipt);
    }));
    if (settled() || now() >= deadline) break;
    await clock.sleep(pollMs);
  }

  const nodeStatus = Object.fromEntries(inputs.nodes.map((n) => [n, outcomeOf(receipts.get(n), desired.requestId)]));
  const unfinished = inputs.nodes.filter((n) => nodeStatus[n].status !== "ok");
  const outs: HydrationOutputs = plainJson({
    schemaVersion: stateVersions.current,
    ...inputs,
    endpoint: inputs.endpoint ?? "",
    transition: typeof raw.transition === "string" ? raw.transition : describeTransition(undefined, raw),
    requestId: desired.requestId,
    requestedAt: desired.requestedAt,
    complete: unfinished.length === 0,
    nodeStatus,
    offGeneration: inputs.nodes.filter((n) => nodeStatus[n].live !== inputs.generation),
    files: manifest.files,
    bytes: manifest.bytes,
  });
  if (unfinished.length > 0) {
    const timedOut = !settled();
    const t = now();
    const lines = unfinished.map((n) => describeNode(n, receipts.get(n), desired.requestId, lastChange.get(n), t));
    const message = `Hydration of generation ${inputs.generation} ${timedOut ? `timed out after ${inputs.timeoutSeconds} s` : "failed"} on ${unfinished.length} of ${inputs.nodes.length} nodes (${unfinished.join(", ")}):\n  ${lines.join("\n  ")}\n` +
      "Nodes that failed keep serving their previous generation. Fix the cause and run `pulumi up` again: finished nodes are not reloaded.";
    throw Object.assign(new Error(message), { id, properties: outs, reasons: lines });
  }
  return { id, outs };
}

