// The Hydration provider, serialized as `new Hydration(...)` does, in the real dynamic-provider
// host: the stored state's version, and preview with unknown inputs. No bucket is reached.
import * as path from "path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ProviderCallError, refresh, serializeProvider, startProviderHost, UNKNOWN, up, type ProviderHost, type ResourceState } from "../support/provider-host";

const GENERATION = `sha256:${"ab".repeat(32)}`;

describe("Hydration provider: stored state and preview", () => {
  let host: ProviderHost;
  let provider: string;
  const inputs = { nodes: ["node-0", "node-1"], namespace: "testns", bucket: "tenant", region: "us-ashburn-1", prefix: "warehouse", generation: GENERATION };
  // What Hydration's first version stored after every node loaded the generation (schemaVersion 1).
  const checked = {
    ...inputs, prefix: "warehouse/", controlPrefix: "_tundra/hydration/", timeoutSeconds: 480, concurrency: 16, requireMultipath: false,
    dataAttachmentMultipath: {}, transition: "generation none -> abababababab on node-0, node-1",
  };
  const ok = { status: "ok", live: GENERATION, files: 2, bytes: 20, downloadedBytes: 20, durationMs: 5, error: "" };
  const stored = (schemaVersion: unknown): ResourceState => ({
    id: "hydration:testns/tenant/_tundra/hydration/",
    inputs: checked,
    // The host keeps the serialized provider in the state, beside the outputs.
    outputs: {
      __provider: provider, ...checked, schemaVersion, endpoint: "", requestId: "r1", requestedAt: "2026-11-23T10:00:00.000Z", complete: true,
      nodeStatus: { "node-0": ok, "node-1": ok }, offGeneration: [], files: 2, bytes: 20,
    },
  });

  beforeAll(async () => {
    [provider, host] = await Promise.all([serializeProvider("components/hydration/provider.ts", "hydrationProvider"), startProviderHost()]);
  });
  afterAll(async () => {
    await host?.stop();
  });

  it("serializes only the operations module path: no absolute path, schema or SDK", () => {
    expect(provider).toContain('"components/hydration/operations"');
    expect(provider).not.toContain(path.resolve(__dirname, "..", ".."));
    expect(provider).not.toMatch(/zod|oci-objectstorage|client-s3|globalThis/);
  });

  it("reads version-1 state: the same inputs are no change", async () => {
    expect((await up(host, provider, stored(1), inputs)).op).toBe("same");
  });

  it("refuses state with a schemaVersion it does not know, in diff and refresh, naming the version", async () => {
    const err: ProviderCallError = await up(host, provider, stored(7), inputs).catch((e) => e);
    expect(err).toBeInstanceOf(ProviderCallError);
    expect(err.message).toContain("Hydration: the stored state has schemaVersion 7, which this checkout does not know");
    // The host answers a failed Read without the error's text (pulumi's dynamic-provider host); it
    // prints it, and the engine shows what the host printed.
    const printed = host.output().length;
    await expect(refresh(host, stored(7))).rejects.toThrow();
    expect(host.output().slice(printed)).toMatch(/UnknownStateVersionError: .*schemaVersion 7.*A newer tundra-replatform wrote it/);
  });

  it("reads stored state without an endpoint override (stored as \"\") as the region's public endpoint", async () => {
    // The first version stored `endpoint: ""` and then refused its own state on refresh and delete.
    const printed = host.output().length;
    await expect(refresh(host, stored(1))).rejects.toThrow();
    // It gets as far as reaching the bucket (no OCI credentials or network here), not refusing its own state.
    expect(host.output().slice(printed)).not.toMatch(/Hydration inputs are invalid/);
    expect(host.output().slice(printed)).toMatch(/Can't load the default config|ENOTFOUND|getaddrinfo/);
  });

  it("nodes unknown until the cluster exists preview as an update, not a replacement: the defaults are filled in", async () => {
    const preview = await up(host, provider, stored(1), { ...inputs, nodes: UNKNOWN }, { preview: true });
    expect(preview.op).toBe("update");
    expect(preview.checked).toMatchObject({ nodes: UNKNOWN, prefix: "warehouse/", controlPrefix: "_tundra/hydration/", timeoutSeconds: 480 });
  });

  it("an unknown prefix stays unknown (it is not normalised into a known value)", async () => {
    const preview = await up(host, provider, undefined, { ...inputs, prefix: UNKNOWN }, { preview: true });
    expect(preview.checked.prefix).toBe(UNKNOWN);
  });

  it("names an input that is not a Hydration input", async () => {
    const err: ProviderCallError = await up(host, provider, undefined, { ...inputs, sshKey: "x" }).catch((e) => e);
    expect(err.failures.map((f) => f.reason)).toEqual(["sshKey: not a Hydration input"]);
  });
});
