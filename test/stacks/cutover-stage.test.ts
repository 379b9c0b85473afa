// The cutover stage builds the Cutover's inputs once, from the config section and the load
// balancer's address (stacks/config/cutover.ts cutoverInputsOf): what the config check accepted
// is what the resource receives. (The stage used to copy half the fields again by hand, turning
// a `bake` given in seconds into a string without a unit, which the resource refuses.)
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { cutoverSchema } from "../../stacks/config/cutover";
import { declarations, recordDeclaredResources } from "../support/declared-resources";

describe("cutover stage", () => {
  it("passes the section as the config check saw it: a bake in seconds stays a number", async () => {
    const declared = await recordDeclaredResources("t42-prod");
    const { cutOver } = await import("../../stacks/cutover-stage.js");
    const section = cutoverSchema.parse({
      zoneId: "Z0123456789ABCDEFGHIJ",
      recordName: "tenant42.example.com",
      aws: { values: ["52.1.2.3"] },
      targetOciPercent: 5,
      steps: [5, 100],
      bake: 600,
      gates: { probe: { path: "/health", samples: 20 } },
    })!;
    const foundation = {
      config: { tenant: { id: "t42" }, loadBalancer: { listenerPort: 443 }, cutover: section },
      cluster: { loadBalancerAddress: pulumi.output("129.213.45.67") },
    } as unknown as Parameters<typeof cutOver>[0];
    cutOver(foundation, {});
    await declarations(declared, 1);
    expect(declared).toHaveLength(1);
    expect(declared[0].inputs.bake).toBe(600);
    expect(declared[0].inputs).toMatchObject({
      steps: [5, 100],
      oci: { values: ["129.213.45.67"] },
      gates: { probe: { url: "https://129.213.45.67:443/health", hostHeader: "tenant42.example.com", samples: 20 } },
    });
  });
});
