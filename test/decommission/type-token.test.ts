// The DecommissionGuard registers under its own type token, with an alias from the generic
// dynamic token it had before, so an existing AWS-side stack keeps its guard: a replacement would
// delete the old guard, and that delete refuses until the tenant can leave AWS. Read from what the
// engine would receive for the sample AWS-side stack (scripts/plan/registrations.ts).
import * as path from "path";
import { expect, it } from "vitest";
import { registrationOf } from "../../scripts/plan/registrations";
import { PROJECT_ROOT, planProgram, readStackConfig, tenantStackProgram } from "../../scripts/plan/run";

it("registers pulumi-nodejs:dynamic/decommission:DecommissionGuard, aliased from pulumi-nodejs:dynamic:Resource", async () => {
  const { registrations } = await planProgram("acme-prod-awsside", readStackConfig(path.join(PROJECT_ROOT, "Pulumi.acme-prod-awsside.yaml")), tenantStackProgram);
  const guard = registrationOf(registrations.values(), "acme-decommission-guard", "pulumi-nodejs:dynamic/decommission:DecommissionGuard");
  expect(guard.aliasTypes).toEqual(["pulumi-nodejs:dynamic:Resource"]);
}, 120_000);
