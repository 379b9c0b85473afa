// The Hydration dynamic resource through the real dynamic-provider host (as `pulumi up` drives
// it), against the OCI test server, with the bundled agent running as separate node processes.
import * as crypto from "crypto";
import * as fsp from "fs/promises";
import * as path from "path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GenerationLayout } from "../../components/hydration/agent/generations";
import { CONTROL_KEYS } from "../../components/hydration/control";
import {
  destroy, partialState, ProviderCallError, refresh, serializeProvider, startProviderHost, UNKNOWN, up,
  type ProviderHost, type ResourceState,
} from "../support/provider-host";
import {
  BUCKET, PREFIX, publishDesired, readReceipt, REGION, startAgent, startHydrationFixture, syncGeneration, waitFor,
  type AgentProcess, type HydrationFixture,
} from "../support/hydration-fixture";

const NODES = ["node-0", "node-1", "node-2"];

describe("Hydration resource through the provider host, agents as processes", () => {
  let fx: HydrationFixture;
  let host: ProviderHost;
  let provider: string;
  let agents: AgentProcess[] = [];
  let source: string;
  let state: ResourceState | undefined;
  const generations: string[] = [];
  const inputs = (generation: string, extra: Record<string, unknown> = {}) => ({
    nodes: NODES, namespace: fx.namespace, bucket: BUCKET, region: REGION, prefix: "warehouse",
    generation, timeoutSeconds: 60, concurrency: 4, endpoint: fx.server.endpoint, ...extra,
  });

  async function newGeneration(tag: string): Promise<string> {
    await fsp.writeFile(path.join(source, `${tag}.bin`), crypto.randomBytes(20_000));
    const generation = await syncGeneration(fx, source);
    generations.push(generation);
    return generation;
  }

  beforeAll(async () => {
    fx = await startHydrationFixture();
    source = path.join(fx.dir, "source");
    await fsp.mkdir(path.join(source, "tables"), { recursive: true });
    for (let i = 0; i < 12; i++) await fsp.writeFile(path.join(source, "tables", `part ${i}.parquet`), crypto.randomBytes(30_000 + i));
    for (const node of NODES) await fsp.mkdir(path.join(fx.dir, "nodes", node), { recursive: true });
    [provider, host, agents] = await Promise.all([
      serializeProvider("components/hydration/provider.ts", "hydrationProvider"),
      // The stack's tundra:oci section wins over the environment (which here would need IMDS).
      startProviderHost({
        env: { OCI_CLI_AUTH: "instance_principal", OCI_CLI_CONFIG_FILE: fx.ociConfigFile },
        config: { "tundra:oci": JSON.stringify({ auth: "ApiKey", configFileProfile: "DEFAULT" }) },
      }),
      Promise.all(NODES.map((n) => startAgent(fx, n))),
    ]);
  });
  afterAll(async () => {
    await host?.stop();
    await Promise.all(agents.map((a) => a.stop()));
    await fx?.close();
  });

  it("rejects bad inputs in check, by property", async () => {
    const err = await up(host, provider, undefined, inputs("sha256:nothex", { prefix: "", nodes: ["a", "a"], timeoutSeconds: 1 })).catch((e) => e);
    expect(err).toBeInstanceOf(ProviderCallError);
    const properties = err.failures.map((f: { property: string }) => f.property).sort();
    expect(properties).toEqual(["generation", "nodes", "prefix", "timeoutSeconds"]);
    expect(err.message).toContain("DataSync manifest digest");
  });

  it("previews a create whose generation DataSync has not computed yet, then creates: every node reports", async () => {
    const preview = await up(host, provider, undefined, inputs(UNKNOWN), { preview: true });
    expect(preview.op).toBe("create");
    expect(preview.checked.transition).toBe("generation none -> (known after DataSync) on node-0, node-1, node-2");

    const first = await newGeneration("one");
    const created = await up(host, provider, undefined, inputs(first));
    state = created.state!;
    expect(created.op).toBe("create");
    expect(state.outputs).toMatchObject({ complete: true, generation: first, offGeneration: [], files: 13, schemaVersion: 1 });
    for (const node of NODES) {
      const status = (state.outputs.nodeStatus as Record<string, Record<string, unknown>>)[node];
      expect(status).toMatchObject({ status: "ok", live: first, files: 13, error: "" });
      expect(status.bytes).toBe(state.outputs.bytes);
      expect(status.durationMs).toBeGreaterThan(0);
    }

    const again = await up(host, provider, state, inputs(first));
    expect(again.op).toBe("same");
  });

  it("previews the generation change, then updates every node to the new generation", async () => {
    const [first] = generations;
    const second = await newGeneration("two");
    const preview = await up(host, provider, state, inputs(second), { preview: true });
    expect(preview.op).toBe("update");
    expect(preview.checked.transition).toBe(`generation ${first.slice(7, 19)} -> ${second.slice(7, 19)} on node-0, node-1, node-2`);
    expect((await readReceipt(fx, "node-0"))!.generation).toBe(first); // preview changed nothing

    const updated = await up(host, provider, state, inputs(second));
    expect(updated.op).toBe("update");
    state = updated.state!;
    expect(state.outputs.complete).toBe(true);
    for (const node of NODES) {
      const receipt = await readReceipt(fx, node);
      expect(receipt).toMatchObject({ status: "ok", live: second, previous: first });
    }
  });

  it("times out naming the stalled node, records partial state, and the next up finishes the job", async () => {
    const third = await newGeneration("three");
    agents[2].child.kill("SIGSTOP");
    let err: ProviderCallError;
    try {
      err = await up(host, provider, state, inputs(third, { timeoutSeconds: 10 })).catch((e) => e);
    } finally {
      agents[2].child.kill("SIGCONT");
    }
    expect(err).toBeInstanceOf(ProviderCallError);
    expect(err.message).toContain("timed out after 10 s on 1 of 3 nodes (node-2)");
    expect(err.message).toMatch(/node-2: no receipt for this request/);
    expect(err.message).not.toMatch(/node-[01]:/);
    expect(err.partial).toBeDefined();
    const partial = partialState(err, { ...state!.inputs, ...inputs(third, { timeoutSeconds: 10 }) });
    expect(partial.outputs.complete).toBe(false);
    const statuses = partial.outputs.nodeStatus as Record<string, { status: string; live: string }>;
    expect(statuses["node-0"].status).toBe("ok");
    expect(statuses["node-2"].status).toBe("no-receipt");
    expect(partial.outputs.offGeneration).toEqual(["node-2"]);

    const resumed = await up(host, provider, partial, inputs(third, { timeoutSeconds: 10 }));
    expect(resumed.op).toBe("update");
    state = resumed.state!;
    expect(state.outputs).toMatchObject({ complete: true, offGeneration: [] });
  });

  it("reports a failed node with its error, keeps it on its previous generation, and the next up retries it", async () => {
    const before = state!.outputs.generation as string;
    const fourth = await newGeneration("four");
    // node-1's data volume has a file where the staging directory must go: its load fails.
    const blocker = new GenerationLayout(path.join(fx.dir, "nodes", "node-1")).stagingDir(fourth);
    await fsp.writeFile(blocker, "not a directory");
    const err: ProviderCallError = await up(host, provider, state, inputs(fourth)).catch((e) => e);
    expect(err).toBeInstanceOf(ProviderCallError);
    expect(err.message).toContain("failed on 1 of 3 nodes (node-1)");
    expect(err.message).toMatch(/node-1: failed: .*(EEXIST|ENOTDIR)/);
    const partial = partialState(err, { ...state!.inputs, ...inputs(fourth) });
    const statuses = partial.outputs.nodeStatus as Record<string, { status: string; live: string }>;
    expect(statuses["node-1"]).toMatchObject({ status: "failed", live: before });
    expect(statuses["node-0"]).toMatchObject({ status: "ok", live: fourth });
    expect(partial.outputs.offGeneration).toEqual(["node-1"]);

    await fsp.rm(blocker);
    const retried = await up(host, provider, partial, inputs(fourth));
    expect(retried.op).toBe("update");
    state = retried.state!;
    expect(state.outputs).toMatchObject({ complete: true, offGeneration: [] });
  });

  it("refresh reports nodes that are not on the expected generation, and up repairs them", async () => {
    const current = state!.outputs.generation as string;
    // node-1 is moved to another generation behind Pulumi's back.
    const requestId = await publishDesired(fx, generations[0], ["node-1"]);
    await waitFor("node-1 to roll back", async () => (await readReceipt(fx, "node-1"))?.requestId === requestId && (await readReceipt(fx, "node-1"))?.status === "ok");
    const refreshed = (await refresh(host, state!))!;
    expect(refreshed.outputs.offGeneration).toEqual(["node-1"]);
    expect(refreshed.outputs.complete).toBe(false);
    expect((refreshed.outputs.nodeStatus as Record<string, { live: string }>)["node-1"].live).toBe(generations[0]);

    const repaired = await up(host, provider, refreshed, inputs(current));
    expect(repaired.op).toBe("update");
    expect(repaired.state!.outputs).toMatchObject({ complete: true, offGeneration: [] });
    state = repaired.state!;
  });

  it("refuses to report ready a node whose UHP data attachment is not multipath, naming it, without publishing anything", async () => {
    const generation = String(state!.outputs.generation);
    const before = await fx.control.head(CONTROL_KEYS.desired);
    const uhp = (multipath: Record<string, boolean>) => inputs(generation, { requireMultipath: true, dataAttachmentMultipath: multipath });
    const err = await up(host, provider, state, uhp({ "node-0": true, "node-1": false })).catch((e) => e);
    expect(err.message).toContain("Hydration refused on 2 of 3 nodes (node-1, node-2)");
    expect(err.message).toContain("node-1: isMultipath is false");
    expect(err.message).toContain("node-2: no isMultipath reported for its attachment");
    expect((await fx.control.head(CONTROL_KEYS.desired))!.etag).toBe(before!.etag);
    // Every attachment multipath: the same generation is confirmed on every node.
    const ok = await up(host, provider, state, uhp({ "node-0": true, "node-1": true, "node-2": true }));
    expect(ok.op).toBe("update");
    expect(ok.state!.outputs).toMatchObject({ complete: true, requireMultipath: true, offGeneration: [] });
    state = ok.state!;
  });

  it("refuses a generation the bucket does not hold, without publishing anything", async () => {
    const bogus = `sha256:${"0".repeat(64)}`;
    const before = await fx.control.head(CONTROL_KEYS.desired);
    const err = await up(host, provider, state, inputs(bogus)).catch((e) => e);
    expect(err.message).toContain(`not the requested ${bogus}`);
    expect((await fx.control.head(CONTROL_KEYS.desired))!.etag).toBe(before!.etag);
  });

  it("destroy removes the control objects; nodes keep serving their data", async () => {
    await destroy(host, state!);
    expect(await fx.control.head(CONTROL_KEYS.desired)).toBeUndefined();
    expect(await fx.control.head(CONTROL_KEYS.receipt("node-0"))).toBeUndefined();
    expect(await refresh(host, state!)).toBeUndefined();
    const live = await fsp.readlink(path.join(fx.dir, "nodes", "node-0", "current"));
    expect(live).toContain(String(state!.outputs.generation).slice(7));
  });
});
