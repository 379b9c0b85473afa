// `tundra:oci` (optional): how the OCI provider authenticates. Names of methods and profiles
// only; key material never goes in stack config (see docs/foundation.md).
import { z } from "zod";
import { OCI_AUTH_METHODS as METHOD_NAMES, type StackOciAuthMethod } from "../../components/oci-auth";
import { text } from "./fields";

/** The methods the stack's OCI provider and every tundra provider accept (components/oci-auth.ts). */
export const OCI_AUTH_METHODS = Object.keys(METHOD_NAMES) as [StackOciAuthMethod, ...StackOciAuthMethod[]];

export const ociSchema = z
  .strictObject({
    auth: z.enum(OCI_AUTH_METHODS, { error: (iss) => `must be one of ${OCI_AUTH_METHODS.join(", ")} (got ${JSON.stringify(iss.input)})` }).optional(),
    /** Profile in ~/.oci/config (ApiKey and SecurityToken). */
    configFileProfile: text(/^[A-Za-z0-9_.\-]{1,64}$/, "a profile name from ~/.oci/config").optional(),
  })
  .default({});

export type OciSection = z.output<typeof ociSchema>;
