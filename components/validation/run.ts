// Runs every check the spec configures and collects the results; the first failure does not
// stop the others, so an operator sees everything that is wrong at once.
import { checkQueryParity } from "./parity";
import type { CheckResult } from "./report";
import type { ValidationSpec } from "./spec";

export async function runValidation(spec: ValidationSpec): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  if (spec.parity) results.push(await checkQueryParity(spec.parity));
  return results;
}
