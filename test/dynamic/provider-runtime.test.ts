import * as path from "path";
import { afterEach, describe, expect, it } from "vitest";
import { ProviderHost, serializeProvider, startProviderHost, up } from "../support/provider-host";

const root = path.resolve(__dirname, "../..");

describe("loading engines inside a dynamic provider", () => {
  let host: ProviderHost | undefined;
  afterEach(async () => {
    await host?.stop();
    host = undefined;
  });

  it("captures no absolute path in the serialized provider, so the state works from another checkout", async () => {
    const text = await serializeProvider("test/fixtures/engine-backed-provider.ts", "engineBackedProvider");
    expect(text).toContain("loadProjectModule");
    expect(text).not.toContain(root);
  });

  // The engine starts the host in the program's directory: the root, or `stacks/` with `main: stacks/`.
  for (const cwd of [root, path.join(root, "stacks")]) {
    it(`loads the TypeScript engine when the host runs in ${path.relative(root, cwd) || "the project root"}`, async () => {
      const provider = await serializeProvider("test/fixtures/engine-backed-provider.ts", "engineBackedProvider");
      host = await startProviderHost({ cwd });
      const result = await up(host, provider, undefined, { word: "tundra" });
      expect(result.state!.outputs).toMatchObject({ described: "TUNDRA (6 letters)", cwd });
    });
  }

  it("fails with a clear message outside the project", async () => {
    const provider = await serializeProvider("test/fixtures/engine-backed-provider.ts", "engineBackedProvider");
    host = await startProviderHost({ cwd: "/" });
    const err = await up(host, provider, undefined, { word: "x" }).catch((e) => e);
    expect(err.message).toContain("no Pulumi.yaml in / or above");
  });
});
