// InstanceRelocation through the real dynamic-provider host, as `pulumi up/preview/destroy` drive
// it, against two OCI test regions. The provider runs in the host process with its own SDK
// clients, credentials from an OCI config file and endpoints from TUNDRA_OCI_ENDPOINTS.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Failure, Op, OciComputeServer, startOciComputeServer } from "../support/oci-compute-server";
import { makeOciTestAuth } from "../support/oci-signature";
import {
  destroy, partialState, ProviderCallError, ProviderHost, refresh, ResourceState, serializeProvider, startProviderHost, UNKNOWN, up,
} from "../support/provider-host";

const COMPARTMENT = "ocid1.compartment.oc1..aaaatestcompartment";
const SUBNET = "ocid1.subnet.oc1.sa-bogota-1.aaaatestsubnet";
const FAST = { CreateImage: 60, ExportImage: 60, ImportImage: 60, LaunchInstance: 60, TerminateInstance: 40 };

describe("InstanceRelocation dynamic provider (through the provider host)", () => {
  const auth = makeOciTestAuth();
  const keys = new Map([[auth.keyId, auth.publicKey]]);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "relocation-"));
  let source: OciComputeServer;
  let target: OciComputeServer;
  let host: ProviderHost;
  let provider: string;
  /** The host's environment: the OCI config file (DEFAULT: a key the servers reject; TUNDRA: a good one) and the endpoints. */
  let hostEnv: NodeJS.ProcessEnv;

  beforeAll(async () => {
    source = await startOciComputeServer({ region: "us-ashburn-1", keys, buckets: ["migration"], durationsMs: FAST });
    target = await startOciComputeServer({ region: "sa-bogota-1", keys, durationsMs: FAST });
    // DEFAULT holds a key the servers do not know: every call passing proves that the provider
    // used the profile the stack's `tundra:oci.configFileProfile` names.
    const stranger = makeOciTestAuth();
    const profile = (name: string, who: typeof auth) => {
      const keyFile = path.join(dir, `${name}.pem`);
      fs.writeFileSync(keyFile, who.provider.getPrivateKey(), { mode: 0o600 });
      return [`[${name}]`, `user=${who.provider.getUser()}`, `fingerprint=${who.provider.getFingerprint()}`,
        `tenancy=${who.provider.getTenantId()}`, "region=us-ashburn-1", `key_file=${keyFile}`];
    };
    const configFile = path.join(dir, "config");
    fs.writeFileSync(configFile, [...profile("DEFAULT", stranger), ...profile("TUNDRA", auth), ""].join("\n"));
    provider = await serializeProvider("components/region/provider.ts", "instanceRelocationProvider");
    hostEnv = {
      OCI_CLI_CONFIG_FILE: configFile,
      TUNDRA_OCI_ENDPOINTS: JSON.stringify({
        "us-ashburn-1": { iaas: source.endpoint, objectstorage: source.endpoint },
        "sa-bogota-1": { iaas: target.endpoint, objectstorage: target.endpoint },
      }),
    };
    host = await startProviderHost({
      env: hostEnv,
      config: { "tundra:oci": JSON.stringify({ auth: "ApiKey", configFileProfile: "TUNDRA" }) },
      deadlineMs: 60_000,
    });
  });
  afterAll(async () => {
    await host?.stop();
    await source?.close();
    await target?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  function inputs(name: string, overrides: Record<string, unknown> = {}) {
    const instance = source.addInstance({ compartmentId: COMPARTMENT, shape: "VM.Standard.E4.Flex", displayName: name });
    return {
      source: { region: "us-ashburn-1", compartmentId: COMPARTMENT, instanceId: instance.id, bucket: "migration" },
      target: {
        region: "sa-bogota-1", compartmentId: COMPARTMENT, availabilityDomain: "Uocm:SA-BOGOTA-1-AD-1", subnetId: SUBNET,
        shape: "VM.Standard.E4.Flex", ocpus: 2, memoryInGBs: 32,
      },
      name,
      cleanup: true,
      waits: { timeoutMinutes: 1, pollInitialSeconds: 0.02, pollMaxSeconds: 0.1 },
      ...overrides,
    };
  }

  /** Calls of the four creating operations since the call logs were cleared. */
  function creations() {
    return {
      CreateImage: source.count("CreateImage"),
      ExportImage: source.count("ExportImage"),
      ImportImage: target.count("ImportImage"),
      LaunchInstance: target.count("LaunchInstance"),
    };
  }

  function clearCallLogs() {
    source.calls.length = 0;
    target.calls.length = 0;
  }

  /** What a preview may call: the read-only lookups of check's progress discovery. */
  const LOOKUPS = new Set(["ListImages", "ListInstances", "GetNamespace", "ListObjects"]);
  function callsOtherThanLookups() {
    return [...source.calls, ...target.calls].filter((c) => !LOOKUPS.has(c.op)).map((c) => c.op);
  }

  /**
   * `pulumi up` of a new relocation that fails partway, as the engine runs it: check, then create;
   * the state it records holds the checked inputs (with the run id check chose) and the partial outputs.
   */
  async function failedCreate(raw: Record<string, unknown>): Promise<{ err: ProviderCallError; state: ResourceState }> {
    const { inputs: checked, failures } = await host.check({}, { ...raw, __provider: provider });
    expect(failures).toEqual([]);
    const err: unknown = await host.create(checked).then(() => new Error("the create succeeded"), (e) => e);
    if (!(err instanceof ProviderCallError)) throw err;
    return { err, state: partialState(err, checked) };
  }

  it("serializes without any absolute path, SDK client or schema (the state works from another checkout)", () => {
    expect(provider).toContain("components/region/operations");
    expect(provider).not.toContain(path.resolve(__dirname, "../.."));
    expect(provider).not.toMatch(/oci-core|zod/);
  });

  it("preview of a new relocation is the dry run: it lists every step as remaining and calls no OCI API", async () => {
    clearCallLogs();
    const preview = await up(host, provider, undefined, inputs("preview-only"), { preview: true });
    expect(preview.op).toBe("create");
    expect(preview.checked.plan).toBe("remaining: createImage, exportImage, importImage, launchInstance, cleanup (a new relocation: nothing done yet)");
    expect(preview.checked.runId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(preview.checked.steps).toEqual([
      expect.stringMatching(/^1\. create a custom image of ocid1\.instance\.\S+ in us-ashburn-1 \(OCI stops a running instance for several minutes while imaging\)$/),
      "2. export the image (OCI format) to bucket migration in us-ashburn-1",
      "3. import the image into sa-bogota-1 through a 24 h read-only pre-authenticated request",
      `4. launch preview-only as VM.Standard.E4.Flex (2 OCPUs, 32 GB) in Uocm:SA-BOGOTA-1-AD-1, subnet ${SUBNET}`,
      "5. delete the source-region image and the exported object in us-ashburn-1",
    ]);
    expect(source.calls).toEqual([]);
    expect(target.calls).toEqual([]);
  });

  it("preview with an unknown subnet shows it as known after apply, invents no placeholder id", async () => {
    const raw = inputs("unknown-subnet");
    const preview = await up(host, provider, undefined, { ...raw, target: { ...raw.target, subnetId: UNKNOWN } }, { preview: true });
    expect(preview.checked.steps).toContain("4. launch unknown-subnet as VM.Standard.E4.Flex (2 OCPUs, 32 GB) in Uocm:SA-BOGOTA-1-AD-1, subnet (known after apply)");
    expect((preview.checked.target as Record<string, unknown>).subnetId).toBe(UNKNOWN);
    expect(preview.checked.plan).toBe("remaining: createImage, exportImage, importImage, launchInstance, cleanup (a new relocation: nothing done yet)");
  });

  it("preview with a whole section unknown says when the steps will be known, and validates nothing yet", async () => {
    clearCallLogs();
    const preview = await up(host, provider, undefined, { ...inputs("unknown-target"), target: UNKNOWN }, { preview: true });
    expect(preview.checked.steps).toEqual(["(steps are listed once target is known)"]);
    expect(preview.checked.plan).toBe("remaining: listed once target is known");
    expect(target.calls).toEqual([]);
  });

  it("rejects bad inputs in check, every problem named by its property", async () => {
    const raw = inputs("bad-inputs");
    const err: ProviderCallError = await up(host, provider, undefined, {
      ...raw,
      source: { ...raw.source, region: "us-east-1" },
      target: { ...raw.target, region: "sa-bogota-1", ocpus: undefined, shape: "VM.Standard.E4.Flex" },
    }).catch((e) => e);
    expect(err).toBeInstanceOf(ProviderCallError);
    expect(err.failures).toEqual(expect.arrayContaining([
      { property: "source.region", reason: `"us-east-1" is an AWS region, not an OCI region; the nearest OCI region is "us-ashburn-1"` },
      { property: "target.ocpus", reason: "is required for a Flex shape: a number of OCPUs" },
    ]));
    const same: ProviderCallError = await up(host, provider, undefined, { ...raw, target: { ...raw.target, region: "us-ashburn-1", availabilityDomain: "Uocm:US-ASHBURN-1-AD-1" } }).catch((e) => e);
    expect(same.failures).toEqual([{ property: "target.region", reason: "must differ from source.region (both are us-ashburn-1); a relocation moves an instance to another region" }]);
  });

  it("moves an instance in one up; a second up is a no-op; destroy removes what it created and never the source; re-creating starts afresh", async () => {
    clearCallLogs();
    const nsg = "ocid1.networksecuritygroup.oc1.sa-bogota-1.aaaanodes";
    const base = inputs("full-move");
    const raw = { ...base, target: { ...base.target, nsgIds: [nsg] } };
    const created = await up(host, provider, undefined, raw);
    const outs = created.state!.outputs;
    expect(outs.complete).toBe(true);
    expect(outs.remainingSteps).toEqual([]);
    expect(outs.completedSteps).toEqual(["createImage", "exportImage", "importImage", "launchInstance", "cleanup"]);
    const instance = target.instances.get(outs.targetInstanceId as string)!;
    expect(instance).toMatchObject({ lifecycleState: "RUNNING", shape: "VM.Standard.E4.Flex", shapeConfig: { ocpus: 2, memoryInGBs: 32 }, subnetId: SUBNET, nsgIds: [nsg], imageId: outs.targetImageId });
    expect(instance.freeformTags).toEqual({ "tundra-relocation": "full-move", "tundra-relocation-run": outs.runId });
    expect(created.checked.runId).toBe(outs.runId);
    expect(outs.exportedObject).toBe("");
    expect(creations()).toEqual({ CreateImage: 1, ExportImage: 1, ImportImage: 1, LaunchInstance: 1 });
    // The import read the export through a PAR; the PAR is gone once the image is in.
    expect(source.count("ParRead")).toBe(1);
    expect(source.pars.size).toBe(0);

    const again = await up(host, provider, created.state, raw);
    expect(again.op).toBe("same");
    // Check looked the run up in OCI: nothing remains; cleanup left neither the source image nor the object.
    expect(again.checked.runId).toBe(outs.runId);
    expect(again.checked.plan).toBe(
      "remaining: none (found in OCI: createImage done (a later step is); exportImage done (a later step is); " +
      `importImage done: image ${outs.targetImageId} AVAILABLE; launchInstance done: instance ${outs.targetInstanceId} RUNNING; ` +
      "cleanup done: no source image or exported object of this run is left)",
    );
    expect(creations()).toEqual({ CreateImage: 1, ExportImage: 1, ImportImage: 1, LaunchInstance: 1 });

    await destroy(host, again.state!);
    expect(target.instances.get(outs.targetInstanceId as string)!.lifecycleState).toBe("TERMINATED");
    expect(target.images.get(outs.targetImageId as string)!.lifecycleState).toBe("DELETED");
    expect(source.instances.get(raw.source.instanceId)!.lifecycleState).toBe("RUNNING");

    // Created again with the same inputs: a new run, whose retry tokens replay nothing of the old one.
    const again2 = await up(host, provider, undefined, raw);
    expect(again2.state!.outputs.complete).toBe(true);
    expect(again2.state!.outputs.targetInstanceId).not.toBe(outs.targetInstanceId);
    expect(again2.state!.outputs.runId).not.toBe(outs.runId);
    expect(creations()).toEqual({ CreateImage: 2, ExportImage: 2, ImportImage: 2, LaunchInstance: 2 });
    await destroy(host, again2.state!);
  });

  it("a forced replacement (`pulumi up --replace`) keeps the run id yet replays none of the replaced run's answers: a new instance survives the old one's delete", async () => {
    const raw = inputs("forced-replace");
    const old = (await up(host, provider, undefined, raw)).state!;
    clearCallLogs();
    // What the engine does for --replace: check with the old inputs (so the run id carries over),
    // create the replacement, then delete the replaced resource.
    const { inputs: checked } = await host.check(old.inputs, { ...raw, __provider: provider });
    expect(checked.runId).toBe(old.inputs.runId);
    const created = await host.create(checked);
    expect(creations()).toEqual({ CreateImage: 1, ExportImage: 1, ImportImage: 1, LaunchInstance: 1 });
    expect(created.outs.targetInstanceId).not.toBe(old.outputs.targetInstanceId);
    await destroy(host, old);
    expect(target.instances.get(created.outs.targetInstanceId as string)!.lifecycleState).toBe("RUNNING");
    expect(target.images.get(created.outs.targetImageId as string)!.lifecycleState).toBe("AVAILABLE");
    // The replaced run's work is gone from OCI, so preview sees the new run's.
    const preview = await up(host, provider, { id: created.id, inputs: checked, outputs: created.outs }, raw, { preview: true });
    expect(preview.checked.plan).toContain(`launchInstance done: instance ${created.outs.targetInstanceId} RUNNING`);
    await destroy(host, { id: created.id, inputs: checked, outputs: created.outs });
  });

  it("turning cleanup on later runs only the cleanup step, and preview shows it", async () => {
    const raw = inputs("late-cleanup", { cleanup: false });
    const created = await up(host, provider, undefined, raw);
    expect(created.state!.outputs.complete).toBe(true);
    expect(source.objects.has(created.state!.outputs.exportedObject as string)).toBe(true);
    clearCallLogs();

    const preview = await up(host, provider, created.state, { ...raw, cleanup: true }, { preview: true });
    expect(preview.op).toBe("update");
    expect((preview.checked.steps as string[]).at(-1)).toBe("5. delete the source-region image and the exported object in us-ashburn-1");
    const outs = created.state!.outputs;
    expect(preview.checked.plan).toBe(
      `remaining: cleanup (found in OCI: createImage done: image ${outs.sourceImageId} AVAILABLE; exportImage done: object ${outs.exportedObject}; ` +
      `importImage done: image ${outs.targetImageId} AVAILABLE; launchInstance done: instance ${outs.targetInstanceId} RUNNING)`,
    );
    expect(callsOtherThanLookups()).toEqual([]);
    // One list of images per region, the instances, the namespace and the run's exports.
    expect([...source.calls, ...target.calls].map((c) => c.op).sort()).toEqual(["GetNamespace", "ListImages", "ListImages", "ListInstances", "ListObjects"]);
    clearCallLogs();

    const updated = await up(host, provider, created.state, { ...raw, cleanup: true });
    expect(updated.op).toBe("update");
    // Besides check's lookups, the update only deletes the source-region copies.
    expect(callsOtherThanLookups()).toEqual(["DeleteImage", "DeleteObject"]);
    expect(updated.state!.outputs.exportedObject).toBe("");
    expect(updated.state!.outputs.plan).toBe("remaining: none (recorded in the state: createImage, exportImage, importImage, launchInstance, cleanup done)");

    // Refresh sees the moved instance; once it is terminated outside Pulumi, the relocation is gone.
    expect(await refresh(host, updated.state!)).toMatchObject({ id: updated.state!.id });
    target.instances.get(updated.state!.outputs.targetInstanceId as string)!.lifecycleState = "TERMINATED";
    expect(await refresh(host, updated.state!)).toBeUndefined();
  });

  // A failure at each step, then a resumed `up` that repeats none of the finished steps.
  const failures: { step: string; op: Op; server: "source" | "target"; failure: Failure; message: string }[] = [
    { step: "createImage", op: "CreateImage", server: "source", failure: { kind: "workRequest", status: "FAILED", message: "Instance boot volume is being backed up" }, message: "Instance boot volume is being backed up" },
    { step: "exportImage", op: "ExportImage", server: "source", failure: { kind: "http", status: 400, code: "InvalidParameter", message: "Export format OCI is not supported for this image" }, message: "Export format OCI is not supported for this image" },
    { step: "importImage", op: "ImportImage", server: "target", failure: { kind: "workRequest", status: "CANCELED", message: "Import canceled by an administrator" }, message: "ended CANCELED: InternalError: Import canceled by an administrator" },
    { step: "launchInstance", op: "LaunchInstance", server: "target", failure: { kind: "http", status: 400, code: "LimitExceeded", message: "standard-e4-core-count limit exceeded" }, message: "standard-e4-core-count limit exceeded" },
    { step: "cleanup", op: "DeleteObject", server: "source", failure: { kind: "http", status: 409, code: "Conflict", message: "object is locked by a retention rule" }, message: "object is locked by a retention rule" },
  ];

  /** What check finds in OCI after a failure at each step: the `plan` line preview shows. */
  function planAfterFailure(step: string, outs: Record<string, any>): string {
    const createImage = `createImage done: image ${outs.sourceImageId} AVAILABLE`;
    const exportImage = `exportImage done: object migration/${outs.progress.objectName}`;
    const importImage = `importImage done: image ${outs.targetImageId} AVAILABLE`;
    const launchInstance = `launchInstance done: instance ${outs.targetInstanceId} RUNNING`;
    switch (step) {
      // The failed work request left the image DELETED: nothing of this run is done.
      case "createImage": return "remaining: createImage, exportImage, importImage, launchInstance, cleanup (found in OCI: nothing of this run yet)";
      case "exportImage": return `remaining: exportImage, importImage, launchInstance, cleanup (found in OCI: ${createImage})`;
      case "importImage": return `remaining: importImage, launchInstance, cleanup (found in OCI: ${createImage}; ${exportImage})`;
      case "launchInstance": return `remaining: launchInstance, cleanup (found in OCI: ${createImage}; ${exportImage}; ${importImage})`;
      // Cleanup deleted the source image, then the object delete failed: the object is what is left.
      default: return `remaining: cleanup (found in OCI: createImage done (a later step is); ${exportImage}; ${importImage}; ${launchInstance})`;
    }
  }

  for (const { step, op, server, failure, message } of failures) {
    it(`a failure in ${step} keeps partial state; preview shows exactly the steps that remain; the next up resumes there without repeating finished steps`, async () => {
      clearCallLogs();
      const raw = inputs(`fail-${step.toLowerCase()}`);
      (server === "source" ? source : target).inject(op, failure);
      const { err, state: partial } = await failedCreate(raw);
      expect(err.message).toContain(`relocation step ${step} failed`);
      expect(err.message).toContain(message);
      expect(err.partial!.reasons[0]).toContain(message);
      const order = ["createImage", "exportImage", "importImage", "launchInstance", "cleanup"];
      const done = order.slice(0, order.indexOf(step));
      const remaining = order.slice(order.indexOf(step)).join(", ");
      expect(err.message).toContain(`Done: ${done.length > 0 ? done.join(", ") : "nothing"}. Recorded in the state: the next \`pulumi up\` resumes at ${step} (remaining: ${remaining}).`);
      expect(partial.outputs.completedSteps).toEqual(done);
      expect(partial.outputs.complete).toBe(false);
      expect(partial.outputs.runId).toBe(partial.inputs.runId);
      const first = creations();

      // The dry run: check finds the run's work in OCI (by its run tag and export prefix) and
      // lists exactly the steps that remain, with read-only calls.
      clearCallLogs();
      const preview = await up(host, provider, partial, raw, { preview: true });
      expect(preview.op).toBe("update");
      expect(preview.checked.runId).toBe(partial.inputs.runId);
      expect(preview.checked.plan).toBe(planAfterFailure(step, partial.outputs));
      expect(preview.checked.plan).toMatch(new RegExp(`^remaining: ${remaining} \\(`));
      expect(callsOtherThanLookups()).toEqual([]);

      const resumed = await up(host, provider, partial, raw);
      expect(resumed.op).toBe("update");
      expect(resumed.state!.outputs.complete).toBe(true);
      expect(resumed.state!.outputs.runId).toBe(partial.outputs.runId);
      const total = creations();
      // Each creating call happened once overall, except the failed step's own retry.
      const expected = { CreateImage: 1, ExportImage: 1, ImportImage: 1, LaunchInstance: 1 } as Record<string, number>;
      if (op in expected) expected[op] = 2;
      expect({ CreateImage: first.CreateImage + source.count("CreateImage"), ExportImage: first.ExportImage + source.count("ExportImage"),
        ImportImage: first.ImportImage + target.count("ImportImage"), LaunchInstance: first.LaunchInstance + target.count("LaunchInstance") }).toEqual(expected);
      // The resumed run made none of the calls of the steps that had finished.
      const finishedOps = ["CreateImage", "ExportImage", "ImportImage", "LaunchInstance"].slice(0, order.indexOf(step)) as (keyof typeof first)[];
      for (const name of finishedOps) expect(total[name]).toBe(0);
      expect(target.instances.get(resumed.state!.outputs.targetInstanceId as string)!.lifecycleState).toBe("RUNNING");
    });
  }

  /** A relocation whose launch failed: what the engine recorded, and the plan preview then shows. */
  async function underWay(name: string, raw = inputs(name)) {
    target.inject("LaunchInstance", { kind: "http", status: 400, code: "LimitExceeded", message: "standard-e4-core-count limit exceeded" });
    const { state } = await failedCreate(raw);
    return { raw, state, plan: planAfterFailure("launchInstance", state.outputs) };
  }

  it("preview with unknown inputs on a relocation under way: an unknown knob is said and the lookup still runs; an unknown target is a possible replacement, looked up nowhere", async () => {
    const { raw, state: partial, plan } = await underWay("unknown-under-way");

    clearCallLogs();
    const knobs = await up(host, provider, partial, { ...raw, waits: UNKNOWN }, { preview: true });
    expect(knobs.op).toBe("update");
    expect(knobs.checked.waits).toBe(UNKNOWN);
    expect(knobs.checked.runId).toBe(partial.inputs.runId);
    expect(knobs.checked.plan).toBe(plan.replace(/\)$/, "; waits known after apply)"));
    expect(callsOtherThanLookups()).toEqual([]);

    clearCallLogs();
    const subnet = await up(host, provider, partial, { ...raw, target: { ...raw.target, subnetId: UNKNOWN } }, { preview: true });
    expect(subnet.op).toBe("replace");
    expect(subnet.checked.runId).not.toBe(partial.inputs.runId);
    expect(subnet.checked.plan).toBe("remaining: createImage, exportImage, importImage, launchInstance, cleanup (a new relocation if target changed (known after apply): it would replace the recorded one)");
    expect((subnet.checked.steps as string[])[3]).toMatch(/subnet \(known after apply\)$/);

    const whole = await up(host, provider, partial, { ...raw, target: UNKNOWN }, { preview: true });
    expect(whole.op).toBe("replace");
    expect(whole.checked.plan).toBe("remaining: listed once target is known (a different target would be a new relocation replacing the recorded one)");
    expect([...source.calls, ...target.calls]).toEqual([]);
  });

  it("stack config reaches configure through the real host as the engine sends it (every key namespaced, a secret wrapped) and check uses it; without usable credentials the plan says so and check does not fail", async () => {
    const { raw, state: partial, plan } = await underWay("config-proof");
    // Pulumi CLI >= 3.139 (pkg/resource/deploy/target.go) gives a dynamic provider's Configure every
    // stack config key with its namespace, each value as a string (objects as JSON text); a
    // secret value arrives wrapped, and the host unwraps it before provider.configure sees it.
    const otherKeys = { "tundra:tenant": JSON.stringify({ id: "acme", env: "staging" }), "aws:region": "us-east-1" };
    const tundraOci = JSON.stringify({ auth: "ApiKey", configFileProfile: "TUNDRA" });
    const secret = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value: tundraOci };
    const previewWith = async (config: Record<string, unknown>, env: NodeJS.ProcessEnv = hostEnv) => {
      const other = await startProviderHost({ env, config, deadlineMs: 60_000 });
      try {
        return (await up(other, provider, partial, raw, { preview: true })).checked.plan as string;
      } finally {
        await other.stop();
      }
    };
    expect(await previewWith({ ...otherKeys, "tundra:oci": secret })).toBe(plan);
    // Without tundra:oci the DEFAULT profile signs, with a key the servers do not know.
    expect(await previewWith(otherKeys)).toMatch(/^remaining: not looked up in OCI \(401 NotAuthenticated: No public key is registered for keyId .+\); `pulumi up` resumes from the progress recorded in the state$/);
    expect(await previewWith({ ...otherKeys, "tundra:oci": tundraOci }, { ...hostEnv, OCI_CLI_CONFIG_FILE: path.join(dir, "missing-config") }))
      .toMatch(/^remaining: not looked up in OCI \(.*missing-config.*\); `pulumi up` resumes from the progress recorded in the state$/);
  });

  it("a relocation recorded before the run id was an input: preview says it cannot look it up, and up resumes from the recorded progress", async () => {
    const { raw, state: partial } = await underWay("legacy-state");
    const { runId: _inputRunId, plan: _inputPlan, ...inputsBefore } = partial.inputs;
    const { runId: _outputRunId, plan: _outputPlan, ...outputsBefore } = partial.outputs;
    const legacy: ResourceState = { ...partial, inputs: inputsBefore, outputs: outputsBefore };
    clearCallLogs();
    const preview = await up(host, provider, legacy, raw, { preview: true });
    expect(preview.checked.plan).toBe("remaining: not looked up in OCI (recorded by an earlier version without a run id in its inputs); `pulumi up` resumes from the progress recorded in the state");
    expect([...source.calls, ...target.calls]).toEqual([]);
    const resumed = await up(host, provider, legacy, raw);
    expect(resumed.state!.outputs.complete).toBe(true);
    expect(resumed.state!.outputs.runId).toBe(partial.outputs.runId);
    expect(creations()).toEqual({ CreateImage: 0, ExportImage: 0, ImportImage: 0, LaunchInstance: 1 });
  });

  it("a FAILED work request stops the up with the service's message from ListWorkRequestErrors", async () => {
    clearCallLogs();
    target.inject("ImportImage", { kind: "workRequest", status: "FAILED", message: "The image's operating system is not supported for import", code: "UnsupportedImage" });
    const err: ProviderCallError = await up(host, provider, undefined, inputs("failed-wr")).catch((e) => e);
    expect(err.message).toMatch(/importImage of ocid1\.image\.oc1\.sa-bogota-1\.\w+ \(work request ocid1\.coreservicesworkrequest\.\S+\) ended FAILED: UnsupportedImage: The image's operating system is not supported for import/);
    expect(target.count("ListWorkRequestErrors")).toBe(1);
    expect(target.count("LaunchInstance")).toBe(0);
    const progress = err.partial!.properties.progress as { steps: Record<string, { status: string; workRequestId: string; error: string }> };
    expect(progress.steps.importImage.status).toBe("failed");
    expect(progress.steps.importImage.error).toContain("not supported for import");
  });

  it("a work request that does not finish in time times out with the last status seen; the next up waits on the same one", async () => {
    clearCallLogs();
    target.inject("LaunchInstance", { kind: "stall" });
    const raw = inputs("stalled-launch", { waits: { timeoutMinutes: 0.01, pollInitialSeconds: 0.02, pollMaxSeconds: 0.1 } });
    const { err, state: partial } = await failedCreate(raw);
    expect(err.message).toMatch(/relocation step launchInstance failed: timed out after 1 s waiting for launchInstance .* \(last seen: IN_PROGRESS \d+%\)/);
    const progress = err.partial!.properties.progress as { steps: Record<string, { status: string; workRequestId: string }> };
    expect(progress.steps.launchInstance.workRequestId).toMatch(/^ocid1\.coreservicesworkrequest\./);
    expect(progress.steps.launchInstance.status).toBe("started");
    expect(err.partial!.properties.targetInstanceId).toMatch(/^ocid1\.instance\.oc1\.sa-bogota-1\./);

    // Once the work request finishes, the next up waits on the same one: no second launch.
    // Preview sees the launch under way (the instance is PROVISIONING).
    const preview = await up(host, provider, partial, raw, { preview: true });
    expect(preview.checked.plan).toContain(`launchInstance under way: instance ${err.partial!.properties.targetInstanceId} PROVISIONING`);
    expect(preview.checked.plan).toMatch(/^remaining: launchInstance, cleanup \(/);
    target.releaseStalled();
    const resumed = await up(host, provider, partial, raw);
    expect(resumed.state!.outputs.complete).toBe(true);
    expect(target.count("LaunchInstance")).toBe(1);
    expect(resumed.state!.outputs.targetInstanceId).toBe(err.partial!.properties.targetInstanceId);
  });
});
