// The AgentBundleUpload's inputs: where the agent bundle goes and which bundle it is (SHA-256 and
// size), never the bundle itself: the provider host builds it from the checkout, so the 1.45 MB
// script travels in neither the plan nor the state.
import { z } from "zod";

/** OCI Object Storage object names: 1-1024 characters, no null (Oracle, "Object Naming Requirements"). */
const objectName = z.string().min(1).max(1024).refine((name) => !name.includes("\0"), { error: "must not contain a null character" });

export const inputsSchema = z.strictObject({
  namespace: z.string().min(1, { error: "must be the tenancy's Object Storage namespace" }),
  /** Bucket names: 1-256 letters, digits, '-', '_' and '.' (Oracle, "Managing Buckets"). */
  bucket: z.string().regex(/^[A-Za-z0-9_.-]{1,256}$/, { error: "must be an Object Storage bucket name (1-256 letters, digits, '-', '_' or '.')" }),
  /** The bucket's region (the tenant's region): the object is written there. */
  region: z.string().regex(/^[a-z]+-[a-z]+-\d+$/, { error: "must be an OCI region id such as us-ashburn-1" }),
  objectName,
  sha256: z.string().regex(/^[0-9a-f]{64}$/, { error: "must be the bundle's hex SHA-256 (64 lower-case hex digits)" }),
  size: z.number().int().positive(),
  /** Object Storage endpoint override (a private endpoint, tundra:endpoints.ociObjectStorage), as for the Hydration. */
  endpoint: z.url().optional(),
});

export type AgentBundleUploadInputs = z.infer<typeof inputsSchema>;

/** The provider's outputs: the inputs, what the service stored, and the state version. */
export interface AgentBundleUploadOutputs extends AgentBundleUploadInputs {
  /** Hex MD5 the service reported for what it stored (opc-content-md5). */
  md5: string;
  schemaVersion: number;
}
