// The Cutover registers under its own type token, with an alias from the generic dynamic token
// it had before, so an existing stack's Cutover is kept (not replaced) by the first `up`. Read from
// what the engine would receive for the staging sample stack (scripts/plan/registrations.ts).
import * as path from "path";
import { expect, it } from "vitest";
import { registrationOf } from "../../scripts/plan/registrations";
import { PROJECT_ROOT, planProgram, readStackConfig, tenantStackProgram } from "../../scripts/plan/run";

it("registers pulumi-nodejs:dynamic/cutover:Cutover, aliased from pulumi-nodejs:dynamic:Resource", async () => {
  const { registrations } = await planProgram("staging", readStackConfig(path.join(PROJECT_ROOT, "Pulumi.staging.yaml")), tenantStackProgram);
  const cutover = registrationOf(registrations.values(), "acme-cutover", "pulumi-nodejs:dynamic/cutover:Cutover");
  expect(cutover.aliasTypes).toEqual(["pulumi-nodejs:dynamic:Resource"]);
}, 120_000);
