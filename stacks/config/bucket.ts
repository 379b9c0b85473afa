// `tundra:bucket` (optional): the tenant's data bucket.
import { z } from "zod";
import { ocid, text } from "./fields";

export const bucketSchema = z
  .strictObject({
    /** Bucket name; defaults to `tundra-<tenant>-<env>`. */
    name: text(/^[A-Za-z0-9_.-]{1,256}$/, "1-256 letters, digits, '.', '_' or '-'").optional(),
    /** Vault master key for server-side encryption (Oracle-managed keys when omitted). */
    kmsKeyId: ocid("key").optional(),
    /** Compartment of the Vault key, for the key-use grants; defaults to the tenant compartment. */
    kmsKeyCompartmentId: ocid("compartment", "tenancy").optional(),
  })
  .default({});

export type BucketSection = z.output<typeof bucketSchema>;
