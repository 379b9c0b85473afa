// The control channel between the Hydration resource and the node agents: plain objects in the
// tenant bucket, under a control prefix outside the data prefix. The resource writes the
// generation manifest and the desired generation; each agent polls the desired generation and
// writes one receipt. Nodes need only their instance principal's object-storage grant on the
// tenant bucket, and no inbound access (docs/hydration.md compares this with Run Command).
//
// No Pulumi import here: the agent bundle and the dynamic provider both use this module.
import { z } from "zod";
import { parseJson } from "../common/json";

export const CONTROL_SCHEMA_VERSION = 1;
export const DEFAULT_CONTROL_PREFIX = "_tundra/hydration/";

/** A generation is DataSync's manifest digest: "sha256:" + 64 hex digits. */
export const GENERATION_PATTERN = /^sha256:[0-9a-f]{64}$/;
export const generationSchema = z
  .string()
  .regex(GENERATION_PATTERN, { message: 'must be a DataSync manifest digest: "sha256:" followed by 64 lower-case hex digits' });

/** Node names become object keys and file names: keep them to a safe alphabet. */
export const NODE_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
export const nodeNameSchema = z
  .string()
  .regex(NODE_NAME_PATTERN, { message: "must be 1-63 characters of letters, digits, '.', '_' or '-', starting with a letter or digit" });

/** One object of a generation, as the bucket listed it when the manifest was written. */
export const manifestEntrySchema = z.object({
  key: z.string().min(1),
  size: z.number().int().nonnegative(),
  /** Hex MD5 of the content when the store knows it (simple uploads). */
  md5: z.string().regex(/^[0-9a-f]{32}$/).optional(),
  /** Content checksum used by the digest (MD5 hex, or OCI's multipart "base64-N"). */
  checksum: z.string().optional(),
  etag: z.string(),
});
export type ManifestEntryRecord = z.infer<typeof manifestEntrySchema>;

export const manifestSchema = z.object({
  schemaVersion: z.literal(CONTROL_SCHEMA_VERSION),
  generation: generationSchema,
  /** Data prefix in the bucket; entry keys are relative to it. */
  prefix: z.string(),
  createdAt: z.string(),
  files: z.number().int().nonnegative(),
  bytes: z.number().int().nonnegative(),
  entries: z.array(manifestEntrySchema),
});
export type Manifest = z.infer<typeof manifestSchema>;

export const desiredSchema = z.object({
  schemaVersion: z.literal(CONTROL_SCHEMA_VERSION),
  generation: generationSchema,
  prefix: z.string(),
  /** Unique per publish: an agent retries a failed generation only for a new request. */
  requestId: z.string().min(1),
  requestedAt: z.string(),
  nodes: z.array(nodeNameSchema),
  /** Parallel downloads per node. */
  concurrency: z.number().int().positive(),
});
export type Desired = z.infer<typeof desiredSchema>;

export const RECEIPT_STATUSES = ["loading", "ok", "failed"] as const;
export type ReceiptStatus = (typeof RECEIPT_STATUSES)[number];

export const receiptSchema = z.object({
  schemaVersion: z.literal(CONTROL_SCHEMA_VERSION),
  node: nodeNameSchema,
  requestId: z.string(),
  generation: generationSchema,
  status: z.enum(RECEIPT_STATUSES),
  /** Files and bytes of the generation. */
  files: z.number().int().nonnegative(),
  bytes: z.number().int().nonnegative(),
  /** Progress while loading, totals when done. */
  doneFiles: z.number().int().nonnegative(),
  downloadedBytes: z.number().int().nonnegative(),
  /** Files taken from an earlier generation on the node (hard links) or kept from a killed run. */
  reusedFiles: z.number().int().nonnegative(),
  startedAt: z.string(),
  updatedAt: z.string(),
  durationMs: z.number().int().nonnegative(),
  /** Digest recomputed over the files the agent verified on disk; equals `generation` when ok. */
  verifiedDigest: z.string(),
  /** The generation the node serves now (unchanged by a failure), "" for none. */
  live: z.string(),
  previous: z.string(),
  error: z.string(),
});
export type Receipt = z.infer<typeof receiptSchema>;

/** Where each control object lives, relative to the control prefix (the control store's root). */
export const CONTROL_KEYS = {
  desired: "desired.json",
  manifest: (generation: string) => `manifests/${generationHex(generation)}.json`,
  receipt: (node: string) => `receipts/${nodeNameSchema.parse(node)}.json`,
} as const;

export function generationHex(generation: string): string {
  return generationSchema.parse(generation).slice("sha256:".length);
}

/** The data prefix and the control prefix must not overlap, or a sync would copy or prune control objects. */
export function prefixOverlap(dataPrefix: string, controlPrefix: string): boolean {
  return dataPrefix === "" || controlPrefix.startsWith(dataPrefix) || dataPrefix.startsWith(controlPrefix);
}

/** Parses a control object, naming the object and every bad field. */
export function parseControlObject<T>(schema: z.ZodType<T>, text: string, what: string): T {
  const result = schema.safeParse(parseJson(text, what));
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
    throw new Error(`${what} is invalid: ${problems}`);
  }
  return result.data;
}
