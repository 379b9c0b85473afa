// What a change does to a stack, from two offline plans (base and head): resources added,
// removed, replaced and changed, with the changed inputs, in stage order (scripts/plan/order.ts).
// Replacement is inferred, not asked of a provider: an OCI resource is replaced when a changed
// input is one its provider marks ForceNew (scripts/plan/force-new.ts); a dynamic resource's own
// provider decides in `pulumi up`, so its change says so; a changed parent changes the URN.
import { isDeepStrictEqual } from "util";
import type { Plan, PlannedResource } from "./run";
import { stageOf, stageOrder } from "./order";
import { customizeDiffFor, forceNewFor, replacementKnown } from "./force-new";
import { LARGE_VALUE_CHARS, largeValueSummary, showValue, type ShowOptions } from "./values";

export interface InputChange {
  /** `shapeConfig.ocpus`, `statements[2]`; `(options).protect` for a lifecycle option. */
  path: string;
  before: unknown;
  after: unknown;
}

export type ChangeKind = "added" | "removed" | "replaced" | "changed";

export interface ResourceChange {
  kind: ChangeKind;
  type: string;
  name: string;
  stage: string;
  /** Why it is replaced, or that only its provider can tell; absent when nothing is inferred. */
  reason?: string;
  changes: InputChange[];
}

/** A string holding a JSON object or array (a spec in an env var, a policy document), parsed; else undefined. */
function embeddedJson(value: unknown): object | undefined {
  if (typeof value !== "string" || !/^\s*[[{]/.test(value)) return undefined;
  try {
    const parsed: unknown = JSON.parse(value);
    return parsed !== null && typeof parsed === "object" ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Every leaf that differs; arrays of different lengths (and values of different kinds) compare
 * whole. JSON held in a string is compared inside (`triggers[0](json).parity.ociUrl`), so a
 * changed field of an embedded document is one line, not two escaped copies of it.
 */
function inputChanges(before: unknown, after: unknown, path: string, out: InputChange[]): InputChange[] {
  if (isDeepStrictEqual(before, after)) return out;
  const [jsonBefore, jsonAfter] = [embeddedJson(before), embeddedJson(after)];
  if (jsonBefore && jsonAfter) return inputChanges(jsonBefore, jsonAfter, `${path}(json)`, out);
  const isObject = (v: unknown) => v !== null && typeof v === "object" && !Array.isArray(v);
  if (isObject(before) && isObject(after)) {
    const b = before as Record<string, unknown>;
    const a = after as Record<string, unknown>;
    for (const key of [...new Set([...Object.keys(b), ...Object.keys(a)])].sort()) inputChanges(b[key], a[key], path ? `${path}.${key}` : key, out);
  } else if (Array.isArray(before) && Array.isArray(after) && before.length === after.length) {
    before.forEach((v, i) => inputChanges(v, after[i], `${path}[${i}]`, out));
  } else {
    out.push({ path, before, after });
  }
  return out;
}

const keyOf = (r: Pick<PlannedResource, "type" | "name">) => `${r.type}::${r.name}`;

function classify(before: PlannedResource, after: PlannedResource): ResourceChange | undefined {
  const changes = inputChanges(before.inputs, after.inputs, "", []);
  inputChanges(before.options ?? {}, after.options ?? {}, "(options)", changes);
  const parentChanged = (before.parent ?? null) !== (after.parent ?? null);
  if (changes.length === 0 && !parentChanged) return undefined;
  const base = { type: after.type, name: after.name, stage: stageOf(after.type), changes };
  if (parentChanged) return { ...base, kind: "replaced", reason: `parent ${before.parent ?? "(stack)"} -> ${after.parent ?? "(stack)"} changes the URN (replaced unless an alias maps it)` };
  const custom = customizeDiffFor(after.type, changes.map((c) => c.path));
  const forced = [...new Set([...changes.flatMap((c) => forceNewFor(after.type, c.path) ?? []), ...custom.forced])];
  if (forced.length > 0) return { ...base, kind: "replaced", reason: `${forced.join(", ")} ${forced.length === 1 ? "is" : "are"} ForceNew in the provider` };
  if (custom.undecided.length > 0) return { ...base, kind: "changed", reason: `provider decides: ${custom.undecided.join(", ")} may replace it` };
  const inputsChanged = changes.some((c) => !c.path.startsWith("(options)"));
  if (inputsChanged && !replacementKnown(after.type)) return { ...base, kind: "changed", reason: "provider decides: its diff may replace it" };
  return { ...base, kind: "changed" };
}

/** The changes from `base` to `head`, in the order `pulumi up` would meet them. */
export function diffPlans(base: Pick<Plan, "resources">, head: Pick<Plan, "resources">): ResourceChange[] {
  const before = new Map(base.resources.map((r) => [keyOf(r), r]));
  const after = new Map(head.resources.map((r) => [keyOf(r), r]));
  const changes = new Map<string, ResourceChange>();
  for (const [key, r] of after) {
    const old = before.get(key);
    const change = old ? classify(old, r) : { kind: "added" as const, type: r.type, name: r.name, stage: stageOf(r.type), changes: [] };
    if (change) changes.set(key, change);
  }
  for (const [key, r] of before) if (!after.has(key)) changes.set(key, { kind: "removed", type: r.type, name: r.name, stage: stageOf(r.type), changes: [] });
  // Order over both plans: head's edges, and base's for what head no longer has.
  const union = [...head.resources, ...base.resources.filter((r) => !after.has(keyOf(r)))];
  return stageOrder(union).flatMap((r) => changes.get(keyOf(r)) ?? []);
}

const MARK: Record<ChangeKind, string> = { added: "+", removed: "-", replaced: "+-", changed: "~" };

/** One line per changed input; a large value (the agent bundle, user data) as its old and new hashes. */
function changeLine(c: InputChange, options: ShowOptions): string {
  const side = (v: unknown) => (v === undefined ? "(none)" : !options.full && typeof v === "string" && v.length > LARGE_VALUE_CHARS ? largeValueSummary(v) : showValue(v, options));
  return `${c.path}: ${side(c.before)} -> ${side(c.after)}`;
}

/**
 * A content-addressed upload (the agent bundle: inputs `sha256`, `size`, and an object name that
 * embeds the hash) whose content changed reads as one line, `content: <size sha256> -> <size
 * sha256>`; the inputs that only follow the hash are folded into it.
 */
function foldContentHash(changes: readonly InputChange[]): { lines: string[]; rest: InputChange[] } {
  const hash = changes.find((c) => c.path === "sha256" && typeof c.before === "string" && typeof c.after === "string");
  if (!hash) return { lines: [], rest: [...changes] };
  const [oldHash, newHash] = [hash.before as string, hash.after as string];
  const size = changes.find((c) => c.path === "size");
  const follows = (c: InputChange) =>
    c === hash || c === size || (typeof c.before === "string" && typeof c.after === "string" && c.before.includes(oldHash) && c.before.replaceAll(oldHash, newHash) === c.after);
  const sized = (bytes: unknown, sha: string) => `<${bytes === undefined ? "" : `${bytes} bytes `}sha256:${sha.slice(0, 12)}>`;
  return {
    lines: [`content: ${sized(size?.before, oldHash)} -> ${sized(size?.after, newHash)}`],
    rest: changes.filter((c) => !follows(c)),
  };
}

export function formatStackDiff(stack: string, changes: readonly ResourceChange[], options: ShowOptions = {}): string {
  const count = (kind: ChangeKind) => changes.filter((c) => c.kind === kind).length;
  const lines = [`stack ${stack}: ${count("added")} added, ${count("removed")} removed, ${count("replaced")} replaced, ${count("changed")} changed`];
  for (const c of changes) {
    lines.push(`  ${MARK[c.kind].padEnd(2)} [${c.stage}] ${c.type} ${c.name}  ${c.kind}${c.reason ? ` (${c.reason})` : ""}`);
    const { lines: folded, rest } = options.full ? { lines: [], rest: c.changes } : foldContentHash(c.changes);
    for (const line of folded) lines.push(`       ${line}`);
    for (const input of rest) lines.push(`       ${changeLine(input, options)}`);
  }
  return `${lines.join("\n")}\n`;
}
