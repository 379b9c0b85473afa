// Which program a stack runs, by `tundra:role`: the OCI tenant program (default) or the AWS side.
import { runAwsSideStack } from "./aws-side";
import { loadStackRole } from "./config/load";
import { runTenantStack } from "./program";

export async function runStack(): Promise<Record<string, unknown>> {
  return loadStackRole() === "aws-side" ? runAwsSideStack() : runTenantStack();
}
