// What the Hydration dynamic provider does (loaded at call time by provider.ts; no Pulumi import).
// create/update: check the bucket prefix really holds the requested generation, write its
// manifest, publish the desired generation, then wait until every node's receipt for this
// request says ok. Failure or timeout: an error naming each unfinished node and its last status,
// with partial state recorded. read: which nodes are not on the expected generation.
import * as crypto from "crypto";
import { z } from "zod";
import { systemClock, type Clock } from "../common/clock";
import { formatBytes } from "../transfer/format";
import { OciStore, type OciAuth } from "../transfer/oci-store";
import type { ObjectStore } from "../transfer/store";
import {
  CONTROL_KEYS, CONTROL_SCHEMA_VERSION, DEFAULT_CONTROL_PREFIX, desiredSchema, generationSchema, nodeNameSchema, prefixOverlap, receiptSchema,
  type Desired, type Receipt,
} from "./control";
import { getJson, putJson } from "./control-io";
import { manifestForGeneration } from "./manifest";

export const OUTPUT_SCHEMA_VERSION = 1;
/** The engine's placeholder for a value unknown during preview. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
export const DEFAULT_TIMEOUT_SECONDS = 480;
export const DEFAULT_CONCURRENCY = 16;

/** A non-empty relative prefix; a missing trailing "/" is added (DataSync accepts "warehouse" too). */
const prefixSchema = z
  .string()
  .refine((p) => p.replace(/\/+$/, "") !== "" && !p.startsWith("/"), { message: 'must be a non-empty relative prefix such as "warehouse/" (no leading "/")' })
  .transform((p) => (p.endsWith("/") ? p : `${p}/`));

export const hydrationInputsSchema = z.object({
  nodes: z.array(nodeNameSchema).min(1, { message: "must list at least one node" }).max(100).refine((n) => new Set(n).size === n.length, { message: "must not list a node twice" }),
  namespace: z.string().min(1, { message: "must be the Object Storage namespace" }),
  bucket: z.string().regex(/^[A-Za-z0-9._-]{1,256}$/, { message: "must be an Object Storage bucket name" }),
  region: z.string().regex(/^[a-z]+-[a-z]+-\d+$/, { message: 'must be an OCI region identifier such as "us-ashburn-1"' }),
  prefix: prefixSchema,
  controlPrefix: prefixSchema.default(DEFAULT_CONTROL_PREFIX),
  generation: generationSchema,
  timeoutSeconds: z.number().int().min(10, { message: "must be at least 10 seconds" }).max(24 * 3600).default(DEFAULT_TIMEOUT_SECONDS),
  concurrency: z.number().int().min(1).max(256).default(DEFAULT_CONCURRENCY),
  /** Object Storage endpoint override (private endpoint); credentials never come from inputs. */
  endpoint: z.url().optional(),
  /** The data volumes are Ultra High Performance: a node is ready only on a multipath-enabled attachment. */
  requireMultipath: z.boolean().default(false),
  /** OCI's `isMultipath` of each node's data-volume attachment, by node name. */
  dataAttachmentMultipath: z.record(nodeNameSchema, z.boolean()).default({}),
});
export type HydrationInputs = z.infer<typeof hydrationInputsSchema>;

export interface NodeOutcome {
  status: "ok" | "failed" | "loading" | "no-receipt";
  /** Generation the node serves now ("" when none or unknown). */
  live: string;
  files: number;
  bytes: number;
  downloadedBytes: number;
  durationMs: number;
  error: string;
}

export interface HydrationOutputs extends Omit<HydrationInputs, "endpoint"> {
  schemaVersion: number;
  endpoint: string;
  transition: string;
  requestId: string;
  requestedAt: string;
  /** Every node reported ok for this request. */
  complete: boolean;
  nodeStatus: Record<string, NodeOutcome>;
  /** Nodes not serving `generation` (refresh fills it; `up` repairs them). */
  offGeneration: string[];
  files: number;
  bytes: number;
}

const short = (g: unknown) => (typeof g === "string" && g.startsWith("sha256:") ? `${g.slice(7, 19)}` : g === UNKNOWN || g === undefined ? "(known after DataSync)" : String(g));

/** Readable one-liner for `pulumi preview --diff`. */
export function describeTransition(olds: Record<string, unknown> | undefined, news: Record<string, unknown>): string {
  const nodes = Array.isArray(news.nodes) ? (news.nodes as unknown[]).map(String).join(", ") : "(nodes known after the cluster)";
  const from = olds?.generation === undefined ? "none" : short(olds.generation);
  const to = short(news.generation);
  return from === to && news.generation !== UNKNOWN ? `generation ${to} (unchanged) on ${nodes}` : `generation ${from} -> ${to} on ${nodes}`;
}

/** check: validate (skipping unknowns), normalize defaults, add the readable `transition`. */
export function checkInputs(olds: Record<string, unknown>, news: Record<string, unknown>): { inputs: Record<string, unknown>; failures: { property: string; reason: string }[] } {
  const failures: { property: string; reason: string }[] = [];
  const inputs: Record<string, unknown> = { ...news };
  const shape = hydrationInputsSchema.shape;
  for (const [key, schema] of Object.entries(shape)) {
    const value = news[key];
    if (value === UNKNOWN || (value !== null && typeof value === "object" && Object.values(value).includes(UNKNOWN))) continue;
    const parsed = (schema as z.ZodType).safeParse(value);
    if (!parsed.success) {
      failures.push({ property: key, reason: `${key} ${parsed.error.issues.map((i) => i.message).join("; ")}` });
    } else if (parsed.data !== undefined) {
      inputs[key] = parsed.data;
    }
  }
  for (const key of Object.keys(news)) {
    if (key !== "__provider" && !(key in shape) && key !== "transition") failures.push({ property: key, reason: `${key} is not a Hydration input (known: ${Object.keys(shape).join(", ")})` });
  }
  const valid = (k: string) => !failures.some((f) => f.property === k) && typeof inputs[k] === "string";
  if (valid("prefix") && valid("controlPrefix") && prefixOverlap(inputs.prefix as string, inputs.controlPrefix as string)) {
    failures.push({ property: "controlPrefix", reason: `controlPrefix ${inputs.controlPrefix} overlaps prefix ${inputs.prefix}: the data prefix must not contain the control objects` });
  }
  inputs.transition = describeTransition(Object.keys(olds).length ? olds : undefined, news);
  return { inputs, failures };
}

const WORK_FIELDS = ["nodes", "namespace", "bucket", "region", "prefix", "controlPrefix", "generation", "endpoint", "requireMultipath", "dataAttachmentMultipath"] as const;
const SETTING_FIELDS = ["timeoutSeconds", "concurrency"] as const;
const REPLACE_FIELDS = ["namespace", "bucket", "controlPrefix"] as const;

export function diffInputs(olds: Record<string, unknown>, news: Record<string, unknown>): { changes: boolean; replaces: string[] } {
  const same = (k: string) => JSON.stringify(olds[k] ?? "") === JSON.stringify(news[k] ?? "");
  const changed = [...WORK_FIELDS, ...SETTING_FIELDS].filter((k) => !same(k));
  // A failed or drifted hydration must be retried by the next `up` even with the same inputs.
  const unhealthy = olds.complete === false || (Array.isArray(olds.offGeneration) && olds.offGeneration.length > 0);
  return { changes: changed.length > 0 || unhealthy, replaces: REPLACE_FIELDS.filter((k) => !same(k)) };
}

/**
 * Credentials of `pulumi up`, never inputs or state: the one precedence of components/oci-auth.ts
 * (the stack's `tundra:oci` section, then OCI_CLI_*, then api_key DEFAULT). `get` reads stack
 * config (the provider's configure call), when there is one.
 */
export function ociAuthFrom(get: (key: string) => string | undefined, env: NodeJS.ProcessEnv = process.env): OciAuth {
  const { ociAuthFromStack } = require("../oci-auth") as typeof import("../oci-auth");
  return ociAuthFromStack(get, env);
}

function stores(inputs: HydrationInputs, auth: OciAuth): { data: ObjectStore; control: ObjectStore } {
  const common = { bucket: inputs.bucket, namespace: inputs.namespace, region: inputs.region, endpoint: inputs.endpoint, auth };
  return { data: new OciStore({ ...common, prefix: inputs.prefix }), control: new OciStore({ ...common, prefix: inputs.controlPrefix }) };
}

export function resourceId(inputs: Pick<HydrationInputs, "namespace" | "bucket" | "controlPrefix">): string {
  return `hydration:${inputs.namespace}/${inputs.bucket}/${inputs.controlPrefix}`;
}

function parseInputs(raw: Record<string, unknown>): HydrationInputs {
  const parsed = hydrationInputsSchema.safeParse(Object.fromEntries(Object.entries(raw).filter(([k]) => k in hydrationInputsSchema.shape)));
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

export interface WaitOptions {
  pollMs?: number;
  clock?: Clock;
}

/**
 * Nodes whose data attachment is not multipath-enabled when the volumes are UHP. OCI attaches a
 * UHP volume single-path when a prerequisite is missing ("Configuring Attachments to Ultra High
 * Performance Volumes"), and the volume then works at a fraction of its level: not ready.
 */
export function singlePathNodes(inputs: Pick<HydrationInputs, "nodes" | "requireMultipath" | "dataAttachmentMultipath">): string[] {
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
export async function hydrate(raw: Record<string, unknown>, auth: OciAuth, opts: WaitOptions = {}): Promise<{ id: string; outs: HydrationOutputs }> {
  const inputs = parseInputs(raw);
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
  const outs: HydrationOutputs = {
    schemaVersion: OUTPUT_SCHEMA_VERSION,
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
  };
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

/** read (refresh): the nodes' receipts now. Gone when the desired-generation object is gone. */
export async function readState(id: string, props: Record<string, unknown>, auth: OciAuth): Promise<{ id: string; props: Record<string, unknown> }> {
  const inputs = parseInputs(props);
  const { control } = stores(inputs, auth);
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
export async function removeControl(props: Record<string, unknown>, auth: OciAuth): Promise<void> {
  const inputs = parseInputs(props);
  const { control } = stores(inputs, auth);
  await control.delete(CONTROL_KEYS.desired);
  await control.delete(CONTROL_KEYS.manifest(inputs.generation));
  for (const node of inputs.nodes) await control.delete(CONTROL_KEYS.receipt(node));
}
