import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";

const registered: pulumi.runtime.MockResourceArgs[] = [];

describe("PreCutoverValidation under Pulumi mocks", () => {
  beforeAll(async () => {
    await pulumi.runtime.setMocks(
      {
        newResource: (args) => {
          registered.push(args);
          return { id: `${args.name}-id`, state: { ...args.inputs, stdout: "validation passed: 1 checks" } };
        },
        call: (args) => args.inputs,
      },
      "tundra-replatform",
      "acme-prod",
      false,
    );
  });

  it("runs scripts/validate.ts as a local command with the spec in its environment", async () => {
    const { PreCutoverValidation } = await import("../../components/validation/pre-cutover-validation.js");
    const spec = {
      tenant: "acme",
      generation: pulumi.output("digest-1"),
      parity: { awsUrl: "https://aws.example.com", ociUrl: pulumi.output("https://10.0.1.5"), queries: [{ name: "q", path: "/q", method: "GET" as const }] },
    };
    const validation = new PreCutoverValidation("acme-validation", { spec: spec as any });
    const report = await new Promise((resolve) => validation.report.apply(resolve));
    expect(report).toBe("validation passed: 1 checks");

    const run = registered.find((r) => r.type === "command:local:Command")!;
    expect(run.name).toBe("acme-validation-run");
    expect(run.inputs.create).toBe("node --import tsx scripts/validate.ts");
    expect(JSON.parse(run.inputs.environment.TUNDRA_VALIDATION_SPEC)).toEqual({
      tenant: "acme",
      generation: "digest-1",
      parity: { awsUrl: "https://aws.example.com", ociUrl: "https://10.0.1.5", queries: [{ name: "q", path: "/q", method: "GET" }] },
    });
    const component = registered.find((r) => r.type === "tundra:validation:PreCutoverValidation");
    expect(component?.name).toBe("acme-validation");
  });
});
