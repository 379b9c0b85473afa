// The order `pulumi up` runs the migration stages in, read from what the engine would receive:
// the dependency URNs of each RegisterResource request of the staging sample stack (recorded at
// the mock monitor, scripts/plan/registrations.ts), not from the program's own bookkeeping.
// DataSync -> Hydration -> PreCutoverValidation (a local command) -> Cutover: a failed stage
// fails its registration, and nothing that waits for it is ever created.
import { spawnSync } from "child_process";
import * as path from "path";
import { beforeAll, describe, expect, it } from "vitest";
import { PROJECT_ROOT, planProgram, readStackConfig, tenantStackProgram, type PlanDetails } from "../../scripts/plan/run";
import { registrationOf, waitsFor, type Registration } from "../../scripts/plan/registrations";
import { VALIDATION_FAILURE } from "../fixtures/failed-validation-plan";

const TYPES = {
  dataSync: "pulumi-nodejs:dynamic/datasync:DataSync",
  hydration: "pulumi-nodejs:dynamic/hydration:Hydration",
  validation: "tundra:validation:PreCutoverValidation",
  command: "command:local:Command",
  cutover: "pulumi-nodejs:dynamic/cutover:Cutover",
  cluster: "tundra:oci:TundraCluster",
};

let registrations: PlanDetails["registrations"];
let stage: Record<"dataSync" | "hydration" | "validation" | "command" | "cutover", Registration>;

beforeAll(async () => {
  ({ registrations } = await planProgram("staging", readStackConfig(path.join(PROJECT_ROOT, "Pulumi.staging.yaml")), tenantStackProgram));
  const one = (name: string, type: string) => registrationOf(registrations.values(), name, type);
  stage = {
    dataSync: one("acme-data-sync", TYPES.dataSync),
    hydration: one("hydration", TYPES.hydration),
    validation: one("acme-validation", TYPES.validation),
    command: one("acme-validation-run", TYPES.command),
    cutover: one("acme-cutover", TYPES.cutover),
  };
});

describe("stage order of the staging stack, as the engine would receive it", () => {
  it("hydration depends directly on the data sync (dependsOn names it, and its generation input is the manifestDigest)", () => {
    // Either edge alone keeps the order: the property dependency is what the engine records even
    // without the explicit dependsOn.
    expect(stage.hydration.dependencies).toContain(stage.dataSync.urn);
    expect(stage.hydration.propertyDependencies.generation).toEqual([stage.dataSync.urn]);
  });

  it("runs the validation command only after hydration: through its component, which depends on hydration and data sync", () => {
    // The command is a child of the PreCutoverValidation component; the component's request
    // lists hydration and data sync. The SDK sends a child's registration only once its
    // parent's returned, and the parent's only once its dependencies were created.
    expect(stage.command.parent).toBe(stage.validation.urn);
    expect(stage.validation.dependencies).toEqual(expect.arrayContaining([stage.hydration.urn, stage.dataSync.urn]));
    expect(waitsFor(registrations, stage.command.urn)).toContain(stage.hydration.urn);
    // Its spec carries the data generation, so it also depends on the data sync directly.
    expect(stage.command.dependencies).toContain(stage.dataSync.urn);
  });

  it("makes the cutover depend directly on the validation command, hydration and data sync", () => {
    // Direct, not only through the chain: tundra:validation is optional, and without it the
    // cutover must still wait for hydration and data sync. The component in dependsOn reaches the
    // engine as its command (components expand to their custom children).
    expect(stage.cutover.dependencies).toEqual(expect.arrayContaining([stage.command.urn, stage.hydration.urn, stage.dataSync.urn]));
    expect(stage.cutover.dependencies).not.toContain(stage.validation.urn);
  });

  it("has no edge backwards: no earlier stage waits for a later one", () => {
    const order = [stage.dataSync, stage.hydration, stage.command, stage.cutover];
    order.forEach((earlier, i) => {
      const waits = waitsFor(registrations, earlier.urn);
      for (const later of order.slice(i + 1)) expect(waits.has(later.urn), `${earlier.name} waits for ${later.name}`).toBe(false);
    });
  });

  it("starts hydration only once the cluster's nodes exist", () => {
    const nodes = [...registrations.values()].filter((r) => r.type === "oci:Core/instance:Instance");
    expect(nodes.length).toBe(2);
    for (const node of nodes) expect(stage.hydration.dependencies).toContain(node.urn);
  });
});

describe("a failed validation", () => {
  it("stops the update before the cutover: the program never asks for the Cutover, and ends with the validation's error", () => {
    // In its own process: the SDK leaves the promises of everything waiting for the failed
    // command rejected, which a vitest worker would report as unhandled.
    const r = spawnSync(process.execPath, ["--import", "tsx", "test/fixtures/failed-validation-plan.ts"], { cwd: PROJECT_ROOT, encoding: "utf8", timeout: 60_000 });
    // (Its exit code is 1 either way: Pulumi's runtime flags the rejected promises left at exit.)
    expect(r.stdout, r.stderr).toMatch(/^\{"requested":/);
    const { requested, error } = JSON.parse(r.stdout) as { requested: string[]; error: string };
    expect(error).toContain(`failed to register new resource acme-validation-run [command:local:Command]: ${VALIDATION_FAILURE}`);
    expect(requested).toEqual(expect.arrayContaining([`${TYPES.dataSync} acme-data-sync`, `${TYPES.hydration} hydration`, `${TYPES.command} acme-validation-run`]));
    expect(requested).not.toContain(`${TYPES.cutover} acme-cutover`);
    // Everything else of the stack was still declared: only what waits for the validation is held back.
    expect(requested.length).toBe(registrations.size - 1); // every registration of the passing run but the Cutover
  });
});
