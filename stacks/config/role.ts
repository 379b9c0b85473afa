// `tundra:role` (optional): which program a stack runs. The default is the OCI tenant program;
// `aws-side` is the stack that holds what the migration owns on AWS, behind the decommission
// guard (stacks/aws-side.ts, docs/decommission.md).
import { z } from "zod";

export const STACK_ROLES = ["oci-tenant", "aws-side"] as const;
export type StackRole = (typeof STACK_ROLES)[number];

export const roleSchema = z
  .enum(STACK_ROLES, { error: (iss) => `must be one of ${STACK_ROLES.join(", ")} (got ${JSON.stringify(iss.input)}); leave it out for the OCI tenant stack` })
  .default("oci-tenant");
