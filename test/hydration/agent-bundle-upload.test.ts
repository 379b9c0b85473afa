// AgentBundleUpload through the real dynamic-provider host (as `pulumi up` drives it) against the
// OCI Object Storage test server: the host builds the agent bundle from the checkout and uploads
// it; the inputs, the plan and the state carry only its SHA-256 and size.
import * as crypto from "crypto";
import { Readable } from "stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildAgentBundle } from "../../components/hydration/agent/bundle";
import { DEFAULT_RETRY, withRetry } from "../../components/transfer/retry";
import { destroy, ProviderCallError, refresh, serializeProvider, startProviderHost, up, type ProviderHost, type ResourceState } from "../support/provider-host";
import { BUCKET, REGION, startHydrationFixture, type HydrationFixture } from "../support/hydration-fixture";

const OBJECT = "_tundra/hydration/agent/test.js";
/** The same object through the fixture's control store (prefix "_tundra/hydration/"). */
const CONTROL_KEY = "agent/test.js";

describe("AgentBundleUpload through the provider host, against the OCI test server", () => {
  const bundle = buildAgentBundle();
  const size = Buffer.byteLength(bundle.script, "utf8");
  let fx: HydrationFixture;
  let host: ProviderHost;
  let provider: string;
  const inputs = (extra: Record<string, unknown> = {}) => ({ namespace: fx.namespace, bucket: BUCKET, region: REGION, objectName: OBJECT, sha256: bundle.sha256, size, endpoint: fx.server.endpoint, ...extra });

  /** The object as the server holds it: its bytes, or undefined when it is not there. */
  async function stored(): Promise<Buffer | undefined> {
    const chunks: Buffer[] = [];
    try {
        for await (const chunk of await withRetry(() => fx.control.get(CONTROL_KEY), DEFAULT_RETRY)) chunks.push(chunk as Buffer);
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode === 404) return undefined;
      throw err;
    }
    return Buffer.concat(chunks);
  }

  beforeAll(async () => {
    fx = await startHydrationFixture();
    [provider, host] = await Promise.all([
      serializeProvider("components/hydration/agent-upload/provider.ts", "agentBundleUploadProvider"),
      startProviderHost({
        // The stack's tundra:oci section wins over the environment (which here would need IMDS).
        env: { OCI_CLI_AUTH: "instance_principal", OCI_CLI_CONFIG_FILE: fx.ociConfigFile },
        config: { "tundra:oci": JSON.stringify({ auth: "ApiKey", configFileProfile: "DEFAULT" }) },
        deadlineMs: 120_000,
      }),
    ]);
  });
  afterAll(async () => {
    await host?.stop();
    await fx?.close();
  });

  it("serializes as the module path only: no bundle, SDK or schema in the provider", () => {
    expect(provider).toContain("components/hydration/agent-upload/operations");
    expect(provider.length).toBeLessThan(20_000);
    expect(provider).not.toMatch(/oci-objectstorage|zod|esbuild/);
  });

  it("refuses bad inputs in check, by property", async () => {
    const err = await up(host, provider, undefined, inputs({ sha256: "abc", size: 0, bucket: "no spaces" })).catch((e) => e);
    expect(err).toBeInstanceOf(ProviderCallError);
    expect(err.failures.map((f: { property: string }) => f.property).sort()).toEqual(["bucket", "sha256", "size"]);
  });

  it("refuses to upload a bundle other than the planned one, naming the two checkouts, and uploads nothing", async () => {
    const other = crypto.createHash("sha256").update("another checkout's agent").digest("hex");
    const err = await up(host, provider, undefined, inputs({ sha256: other })).catch((e) => e);
    expect(err).toBeInstanceOf(ProviderCallError);
    expect(err.message).toContain(`the agent bundle built by the provider host (sha256 ${bundle.sha256}, ${size} bytes`);
    expect(err.message).toContain(`is not the one the program planned (sha256 ${other}`);
    expect(err.message).toContain("the checkout (or node_modules) running the provider host differs from the one that ran the program");
    expect(await stored()).toBeUndefined();
  });

  it("refuses an upload the service does not confirm with the MD5 of what it stored", async () => {
    fx.server.quirks.putWithoutMd5 = true;
    try {
      const err = await up(host, provider, undefined, inputs()).catch((e) => e);
      expect(err).toBeInstanceOf(ProviderCallError);
      expect(err.message).toContain("the service reported no MD5 for what it stored");
      // Left in place, the unverified object would pass for the bundle: it is deleted.
      expect(err.message).toContain("The unverified object was deleted.");
      expect(await stored()).toBeUndefined();
    } finally {
      fx.server.quirks.putWithoutMd5 = false;
    }
  });

  let state: ResourceState | undefined;

  it("creates: the host builds the bundle and uploads it, verified; the state holds its digests only", async () => {
    const created = await up(host, provider, undefined, inputs());
    state = created.state!;
    expect(await stored()).toEqual(Buffer.from(bundle.script, "utf8"));
    const { __provider: _provider, ...outputs } = state.outputs;
    expect(outputs).toEqual({ ...inputs(), md5: crypto.createHash("md5").update(bundle.script).digest("hex"), schemaVersion: 1 });
    expect(JSON.stringify(outputs).length).toBeLessThan(1_000);
    expect(JSON.stringify(state)).not.toContain(bundle.script.slice(1_000, 1_200));

    const again = await up(host, provider, state, inputs());
    expect(again.op).toBe("same");
  });

  it("read and diff see an object that is gone or holds something else; the next up uploads it again", async () => {
    // The test's own calls retry like the engine's: the server closes idle keep-alive sockets after 5 s.
    await withRetry(() => fx.control.delete(CONTROL_KEY), DEFAULT_RETRY);
    expect(await refresh(host, state!)).toBeUndefined();
    const healed = await up(host, provider, state, inputs());
    expect(healed.op).toBe("update");
    expect(await stored()).toEqual(Buffer.from(bundle.script, "utf8"));

    const other = Buffer.from("not the agent");
    await withRetry(() => fx.control.put(CONTROL_KEY, Readable.from([other]), { size: other.length, md5: crypto.createHash("md5").update(other).digest("hex") }), DEFAULT_RETRY);
    expect(await refresh(host, state!)).toBeUndefined();
    expect((await up(host, provider, state, inputs())).op).toBe("update");
    expect(await stored()).toEqual(Buffer.from(bundle.script, "utf8"));
    state = (await refresh(host, state!))!;
    expect(state.id).toBe(`${fx.namespace}/${BUCKET}/${OBJECT}`);
  });

  it("refuses stored state with a schemaVersion it does not know", async () => {
    const newer = { ...state!.outputs, schemaVersion: 2, __provider: provider };
    for (const call of [() => host.read(state!.id, newer), () => host.delete(state!.id, newer)]) {
      const err = await call().then(() => new Error("accepted"), (e) => e);
      expect(err).toBeInstanceOf(ProviderCallError);
      expect(err.message).toContain("AgentBundleUpload: the stored state has schemaVersion 2, which this checkout does not know");
    }
    expect(await stored()).toBeDefined();
  });

  it("destroy deletes the object", async () => {
    await destroy(host, state!);
    expect(await stored()).toBeUndefined();
  });
});
