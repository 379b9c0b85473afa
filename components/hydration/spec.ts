// The Hydration resource's inputs: the one schema of them (check applies it; the `tundra:hydration`
// config section, stacks/config/hydration.ts, derives its resource fields from it), and the shape
// of what the provider stores. Module-scope zod is fine here: only the operations module path is
// serialized into the state, never this file.
import { z } from "zod";
import { wholeNumber } from "../common/whole-number";
import { DEFAULT_CONTROL_PREFIX, generationSchema, nodeNameSchema } from "./control";

export const DEFAULT_TIMEOUT_SECONDS = 480;
export const DEFAULT_CONCURRENCY = 16;

/** A non-empty relative prefix; a missing trailing "/" is added (DataSync accepts "warehouse" too). */
const prefixSchema = z
  .string()
  .refine((p) => p.replace(/\/+$/, "") !== "" && !p.startsWith("/"), { message: 'must be a non-empty relative prefix such as "warehouse/" (no leading "/")' })
  .transform((p) => (p.endsWith("/") ? p : `${p}/`));

export const inputsSchema = z.strictObject(
  {
    nodes: z.array(nodeNameSchema).min(1, { message: "must list at least one node" }).max(100).refine((n) => new Set(n).size === n.length, { message: "must not list a node twice" }),
    namespace: z.string().min(1, { message: "must be the Object Storage namespace" }),
    bucket: z.string().regex(/^[A-Za-z0-9._-]{1,256}$/, { message: "must be an Object Storage bucket name" }),
    region: z.string().regex(/^[a-z]+-[a-z]+-\d+$/, { message: 'must be an OCI region identifier such as "us-ashburn-1"' }),
    prefix: prefixSchema,
    controlPrefix: prefixSchema.default(DEFAULT_CONTROL_PREFIX),
    generation: generationSchema,
    timeoutSeconds: wholeNumber(10, 24 * 3600).default(DEFAULT_TIMEOUT_SECONDS),
    concurrency: wholeNumber(1, 256).default(DEFAULT_CONCURRENCY),
    /** Object Storage endpoint override (private endpoint); credentials never come from inputs. */
    endpoint: z.url().optional(),
    /** The data volumes are Ultra High Performance: a node is ready only on a multipath-enabled attachment. */
    requireMultipath: z.boolean().default(false),
    /** OCI's `isMultipath` of each node's data-volume attachment, by node name. */
    dataAttachmentMultipath: z.record(nodeNameSchema, z.boolean()).default({}),
  },
  { error: (iss) => (iss.code === "unrecognized_keys" ? `${iss.keys.join(", ")}: not a Hydration input` : undefined) },
);
/** Checked inputs (defaults filled in). */
export type HydrationInputs = z.output<typeof inputsSchema>;
/** What a Hydration is given (the resource's args). */
export type HydrationArgsSpec = z.input<typeof inputsSchema>;

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

/** What the provider stores. */
export interface HydrationOutputs extends Omit<HydrationInputs, "endpoint"> {
  schemaVersion: number;
  /** "" when the region's public endpoint is used. */
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
