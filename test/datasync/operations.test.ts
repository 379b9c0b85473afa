// The DataSync provider, serialized as `new DataSync(...)` does, in the real dynamic-provider host:
// the stored state's version, and preview with unknown inputs. No store is reached: the pending
// work is off and nothing is created.
import * as path from "path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ProviderCallError, refresh, serializeProvider, startProviderHost, UNKNOWN, up, type ProviderHost, type ResourceState } from "../support/provider-host";

describe("DataSync provider: stored state and preview", () => {
  let host: ProviderHost;
  let provider: string;
  const inputs = {
    source: { bucket: "src", prefix: "t1", region: "us-east-1" },
    destination: { namespace: "testns", bucket: "tenant", prefix: "data" },
    generation: "2026-11-23",
    previewPendingWork: false,
  };
  // What DataSync's first version stored after a clean sync of `inputs` (schemaVersion 1).
  const checked = {
    source: { bucket: "src", prefix: "t1/", region: "us-east-1", endpoint: "", forcePathStyle: false },
    destination: { namespace: "testns", bucket: "tenant", prefix: "data/", region: "", endpoint: "" },
    generation: "2026-11-23", concurrency: 16, partConcurrency: 8, multipartThresholdMiB: 200, partSizeMiB: 16,
    extraneous: "keep", purgeOnDelete: false, previewPendingWork: false, pendingWork: "not computed: previewPendingWork is false",
  };
  const stored = (schemaVersion: unknown): ResourceState => ({
    id: "s3://src/t1/ -> oci://testns/tenant/data/",
    inputs: checked,
    // The host keeps the serialized provider in the state, beside the outputs.
    outputs: {
      __provider: provider, ...checked, schemaVersion, complete: true, objectCount: 3, totalBytes: 30, copiedObjects: 3, copiedBytes: 30, skippedObjects: 0,
      deletedObjects: 0, extraneousObjects: 0, failedObjects: 0, durationSeconds: 0.1, throughputMBps: 0, manifestDigest: `sha256:${"a".repeat(64)}`,
      syncedAt: "2026-11-23T10:00:00.000Z", lastError: "", drift: "none", driftObjects: 0,
    },
  });

  beforeAll(async () => {
    [provider, host] = await Promise.all([serializeProvider("components/datasync/provider.ts", "dataSyncProvider"), startProviderHost()]);
  });
  afterAll(async () => {
    await host?.stop();
  });

  it("serializes only the operations module path: no absolute path, schema or SDK", () => {
    expect(provider).toContain('"components/datasync/operations"');
    expect(provider).not.toContain(path.resolve(__dirname, "..", ".."));
    expect(provider).not.toMatch(/zod|oci-objectstorage|client-s3|globalThis/);
  });

  it("reads version-1 state: the same inputs are no change", async () => {
    expect((await up(host, provider, stored(1), inputs)).op).toBe("same");
  });

  it("refuses state with a schemaVersion it does not know, in diff and refresh, naming the version", async () => {
    const newer = stored(2);
    const err: ProviderCallError = await up(host, provider, newer, inputs).catch((e) => e);
    expect(err).toBeInstanceOf(ProviderCallError);
    expect(err.message).toContain("DataSync: the stored state has schemaVersion 2, which this checkout does not know");
    // The host answers a failed Read without the error's text (pulumi's dynamic-provider host); it
    // prints it, and the engine shows what the host printed.
    const printed = host.output().length;
    await expect(refresh(host, newer)).rejects.toThrow();
    expect(host.output().slice(printed)).toMatch(/UnknownStateVersionError: .*schemaVersion 2.*A newer tundra-replatform wrote it/);
    await expect(up(host, provider, stored("1"), inputs)).rejects.toThrow(/schemaVersion "1"/);
  });

  it("an unknown setting previews as an update, not a replacement: the known inputs are checked with their defaults", async () => {
    const preview = await up(host, provider, stored(1), { ...inputs, concurrency: UNKNOWN }, { preview: true });
    expect(preview.op).toBe("update");
    expect(preview.checked.source).toEqual(checked.source);
    expect(preview.checked.pendingWork).toBe("not computed: some inputs are unknown until apply");
  });

  it("an unknown source prefix stays unknown (it is not normalised into a known value)", async () => {
    const preview = await up(host, provider, stored(1), { ...inputs, source: { ...inputs.source, prefix: UNKNOWN } }, { preview: true });
    expect((preview.checked.source as { prefix: string }).prefix).toBe(UNKNOWN);
    expect(preview.op).toBe("replace");
  });
});
