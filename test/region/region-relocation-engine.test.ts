import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { endpointOverrides, regionClientFactory } from "../../components/region/oci-clients";
import { quietRegionClients } from "../support/quiet-oci-clients";
import { emptyProgress, relocate, RelocationStepError } from "../../components/region/relocation-engine";
import { describeDiscovery, discoverProgress } from "../../components/region/relocation-discovery";
import { exportObjectName, parseRelocationSpec, RelocationSpec } from "../../components/region/spec";
import { systemClock, type Clock } from "../../components/common/clock";
import { pollUntil, WaitTimeoutError } from "../../components/region/wait";
import { Failure, ImageRecord, OciComputeServer, startOciComputeServer } from "../support/oci-compute-server";
import { makeOciTestAuth } from "../support/oci-signature";

const COMPARTMENT = "ocid1.compartment.oc1..aaaatestcompartment";
const SUBNET = "ocid1.subnet.oc1.sa-bogota-1.aaaatestsubnet";

describe("relocation engine against the OCI compute test servers (real SDK clients)", () => {
  const auth = makeOciTestAuth();
  const keys = new Map([[auth.keyId, auth.publicKey]]);
  let source: OciComputeServer;
  let target: OciComputeServer;

  beforeAll(async () => {
    source = await startOciComputeServer({ region: "us-ashburn-1", keys, buckets: ["migration"], durationsMs: { CreateImage: 60, ExportImage: 60, ImportImage: 60, LaunchInstance: 60 } });
    target = await startOciComputeServer({ region: "sa-bogota-1", keys, durationsMs: { CreateImage: 60, ExportImage: 60, ImportImage: 60, LaunchInstance: 60 } });
  });
  afterAll(async () => {
    await source?.close();
    await target?.close();
  });

  function deps(log: string[] = []) {
    const endpoints = {
      "us-ashburn-1": { iaas: source.endpoint, objectstorage: source.endpoint },
      "sa-bogota-1": { iaas: target.endpoint, objectstorage: target.endpoint },
    };
    const clients = regionClientFactory(auth.provider, endpoints, { requestTimeoutMs: 2_000 });
    return { clients: (region: string) => quietRegionClients(clients(region)), clock: systemClock, log: (l: string) => log.push(l) };
  }

  function spec(name: string, overrides: Record<string, unknown> = {}): RelocationSpec {
    const instance = source.addInstance({ compartmentId: COMPARTMENT, shape: "VM.Standard.E4.Flex" });
    const parsed = parseRelocationSpec({
      name,
      source: { region: "us-ashburn-1", compartmentId: COMPARTMENT, instanceId: instance.id, bucket: "migration" },
      target: {
        region: "sa-bogota-1", compartmentId: COMPARTMENT, availabilityDomain: target.availabilityDomains[0], subnetId: SUBNET,
        shape: "VM.Standard.E4.Flex", ocpus: 2, memoryInGBs: 16,
      },
      cleanup: true,
      waits: { timeoutMinutes: 1, pollInitialSeconds: 0.02, pollMaxSeconds: 0.1 },
      ...overrides,
    });
    if (!parsed.spec) throw new Error(JSON.stringify(parsed.failures));
    return parsed.spec;
  }

  it("discovery finds only its own run's work by the run tag, through every page of the lists, and reads states as done, under way or neither", async () => {
    const s = spec("discover", { cleanup: false });
    const image = (fields: Partial<ImageRecord> & { id: string; timeCreated: string; freeformTags: Record<string, string> }): ImageRecord => ({
      compartmentId: COMPARTMENT, displayName: "discover-source", lifecycleState: "AVAILABLE", operatingSystem: "Oracle Linux",
      operatingSystemVersion: "9", launchMode: "PARAVIRTUALIZED", sizeInMBs: 1024, ...fields,
    });
    // 150 newer images of the same name from other runs: the run's own image is on the second page.
    for (let i = 0; i < 150; i++) {
      const id = `ocid1.image.oc1.us-ashburn-1.aaaaotherrun${i}`;
      source.images.set(id, image({ id, timeCreated: new Date(Date.UTC(2026, 10, 23, 12, 0, i)).toISOString(), freeformTags: { "tundra-relocation-run": "run-b" } }));
    }
    const own = image({ id: "ocid1.image.oc1.us-ashburn-1.aaaaownrun", timeCreated: "2026-11-23T11:00:00.000Z", lifecycleState: "PROVISIONING", freeformTags: { "tundra-relocation-run": "run-a" } });
    source.images.set(own.id, own);
    const look = async () => describeDiscovery(await discoverProgress(s, "run-a", deps().clients));

    expect(await look()).toBe(`remaining: createImage, exportImage, importImage, launchInstance (found in OCI: createImage under way: image ${own.id} PROVISIONING)`);
    own.lifecycleState = "AVAILABLE";
    source.objects.set(`migration/${exportObjectName(s, "run-a", own.id)}`, Buffer.from("OCI-EXPORT"));
    // Another run's export under the same relocation name is not this run's.
    source.objects.set(`migration/${exportObjectName(s, "run-b", "ocid1.image.oc1.us-ashburn-1.aaaaotherrun1")}`, Buffer.from("OCI-EXPORT"));
    const imported = image({ id: "ocid1.image.oc1.sa-bogota-1.aaaaimported", displayName: "discover-target", timeCreated: "2026-11-23T13:00:00.000Z", lifecycleState: "IMPORTING", freeformTags: { "tundra-relocation-run": "run-a" } });
    target.images.set(imported.id, imported);
    expect(await look()).toBe(
      `remaining: importImage, launchInstance (found in OCI: createImage done: image ${own.id} AVAILABLE; ` +
      `exportImage done: object migration/tundra-relocation/discover/run-a/${own.id}.oci; importImage under way: image ${imported.id} IMPORTING)`,
    );
    // A disabled image proves nothing; an export in progress shows as under way.
    imported.lifecycleState = "DISABLED";
    own.lifecycleState = "EXPORTING";
    expect(await look()).toBe(`remaining: exportImage, importImage, launchInstance (found in OCI: createImage done: image ${own.id} EXPORTING; exportImage under way: image ${own.id} EXPORTING)`);
    // Another run's instance of the same name is not this run's launch.
    target.addInstance({ compartmentId: COMPARTMENT, shape: "VM.Standard.E4.Flex", displayName: "discover", freeformTags: { "tundra-relocation-run": "run-b" } });
    expect(await look()).toMatch(/^remaining: exportImage, importImage, launchInstance \(/);
    source.objects.clear();
  });

  it("moves an instance: image, export, import through a PAR, Flex launch, cleanup", async () => {
    const s = spec("full-move");
    const progress = await relocate(s, emptyProgress(), deps());
    const launched = target.instances.get(progress.steps.launchInstance.resourceId)!;
    expect(launched.lifecycleState).toBe("RUNNING");
    expect(launched.shapeConfig).toEqual({ ocpus: 2, memoryInGBs: 16 });
    expect(launched.imageId).toBe(progress.steps.importImage.resourceId);
    expect(target.images.get(progress.steps.importImage.resourceId)!.lifecycleState).toBe("AVAILABLE");
    // Cleanup removed the source-region copies and the PAR; the imported image stays.
    expect(source.images.get(progress.steps.createImage.resourceId)!.lifecycleState).toBe("DELETED");
    expect(source.objects.size).toBe(0);
    expect(source.pars.size).toBe(0);
    expect(Object.values(progress.steps).every((st) => st.status === "done")).toBe(true);
  });

  it("launches the moved instance as the same node: defined tags (so the dynamic group still matches), agent plugins, IMDS options, user data", async () => {
    const s = spec("same-node", { freeformTags: { owner: "platform" } });
    const original = source.instances.get(s.source.instanceId)!;
    const userData = Buffer.from("#cloud-config\nruncmd: [systemctl enable --now tundra-hydration]\n").toString("base64");
    Object.assign(original, {
      definedTags: { tundra: { tenant: "acme" }, "Oracle-Tags": { CreatedBy: "someone@example.com", CreatedOn: "2026-01-01T00:00:00Z" } },
      freeformTags: { "tundra-role": "query-node", owner: "original" },
      agentConfig: {
        isManagementDisabled: false, isMonitoringDisabled: false, areAllPluginsDisabled: false,
        pluginsConfig: [{ name: "Compute Instance Run Command", desiredState: "ENABLED" }, { name: "Block Volume Management", desiredState: "ENABLED" }],
      },
      instanceOptions: { areLegacyImdsEndpointsDisabled: true },
      metadata: { user_data: userData, ssh_authorized_keys: "ssh-ed25519 AAAA ops" },
      extendedMetadata: { tundra: { generation: "2026-11-23" } },
    });
    const progress = await relocate(s, emptyProgress(), deps());

    // What the target region's LaunchInstance received, as the server validated and recorded it.
    const [launch] = target.calls.filter((c) => c.op === "LaunchInstance" && c.status === 200 && (c.body as any).displayName === "same-node");
    expect(launch.body).toMatchObject({
      definedTags: { tundra: { tenant: "acme" } },
      agentConfig: original.agentConfig,
      instanceOptions: { areLegacyImdsEndpointsDisabled: true },
      metadata: { user_data: userData, ssh_authorized_keys: "ssh-ed25519 AAAA ops" },
      extendedMetadata: { tundra: { generation: "2026-11-23" } },
    });
    // Oracle's tag defaults fill CreatedBy/CreatedOn for the new instance; the original's are not copied.
    expect((launch.body as any).definedTags).not.toHaveProperty("Oracle-Tags");
    const moved = target.instances.get(progress.steps.launchInstance.resourceId)!;
    expect(moved.definedTags).toEqual({ tundra: { tenant: "acme" } });
    expect(moved.metadata?.user_data).toBe(userData);
    // The original's freeform tags, under the relocation's own (which win: the run tag finds the launch).
    expect(moved.freeformTags).toEqual({ "tundra-role": "query-node", owner: "platform", "tundra-relocation": "same-node", "tundra-relocation-run": progress.runId });
  });

  it("stops at launch, naming the source, when the source instance is gone (nothing to carry over), and launches nothing", async () => {
    const s = spec("source-gone", { cleanup: false });
    target.inject("ImportImage", { kind: "http", status: 400, code: "InvalidParameter", message: "injected" });
    const first = await relocate(s, emptyProgress(), deps()).catch((e) => e);
    expect(first.step).toBe("importImage");
    source.instances.delete(s.source.instanceId);
    const launches = target.count("LaunchInstance");
    const err = await relocate(s, first.progress, deps()).catch((e) => e);
    expect(err).toBeInstanceOf(RelocationStepError);
    expect(err.step).toBe("launchInstance");
    expect(err.message).toContain(`source instance ${s.source.instanceId} is gone: its defined tags, agent settings, instance options and metadata cannot be carried over`);
    expect(target.count("LaunchInstance")).toBe(launches);
  });

  // Two ways the service fails an export: a FAILED work request, and a "successful" export that
  // wrote no object (Oracle: the export failed). Both stop the run with the reason, mark the
  // attempt failed, and the resume exports again without repeating the image.
  const exportFailures: { name: string; failure: Failure; message: RegExp }[] = [
    {
      name: "failed-export",
      failure: { kind: "workRequest", status: "FAILED", message: "Object Storage quota exceeded for bucket migration" },
      message: /ended FAILED: InternalError: Object Storage quota exceeded for bucket migration/,
    },
    {
      name: "export-no-object",
      failure: { kind: "noEffect" },
      message: /the export reported success but migration\/tundra-relocation\/export-no-object\/\S+\.oci does not exist/,
    },
  ];
  for (const { name, failure, message } of exportFailures) {
    it(`${name}: stops with the service's reason, then resumes with a new export attempt only`, async () => {
      const s = spec(name);
      source.inject("ExportImage", failure);
      const before = { images: source.count("CreateImage"), exports: source.count("ExportImage"), imports: target.count("ImportImage") };
      const err = await relocate(s, emptyProgress(), deps()).catch((e) => e);
      expect(err).toBeInstanceOf(RelocationStepError);
      expect(err.step).toBe("exportImage");
      expect(err.message).toMatch(message);
      expect(err.progress.steps.createImage.status).toBe("done");
      expect(err.progress.steps.exportImage.status).toBe("failed");
      expect(target.count("ImportImage")).toBe(before.imports);

      const progress = await relocate(s, err.progress, deps());
      expect(source.count("CreateImage") - before.images).toBe(1);
      expect(source.count("ExportImage") - before.exports).toBe(2);
      expect(progress.steps.exportImage.attempt).toBe(2);
      expect(progress.steps.launchInstance.status).toBe("done");
    });
  }

  it("a lost response to CreateImage is retried with the same opc-retry-token: one image, not two", async () => {
    const s = spec("lost-response");
    source.inject("CreateImage", { kind: "lostResponse" });
    const calls = source.count("CreateImage");
    const progress = await relocate(s, emptyProgress(), deps());
    expect(source.count("CreateImage") - calls).toBe(2);
    const fromThisInstance = [...source.images.values()].filter((i) => i.sourceInstanceId === s.source.instanceId);
    expect(fromThisInstance.map((i) => i.id)).toEqual([progress.steps.createImage.resourceId]);
  });

  it("a request that gets no answer is abandoned at its deadline and retried, instead of hanging the run", async () => {
    const s = spec("silent-poll");
    target.inject("GetWorkRequest", { kind: "hang" });
    const started = Date.now();
    const progress = await relocate(s, emptyProgress(), deps());
    expect(progress.steps.launchInstance.status).toBe("done");
    expect(target.calls.some((c) => c.op === "GetWorkRequest" && c.status === -1)).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2_000);
  });

  it("gives up after the wait timeout while a work request stays IN_PROGRESS", async () => {
    const s = spec("stalled", { waits: { timeoutMinutes: 0.005, pollInitialSeconds: 0.02, pollMaxSeconds: 0.05 } });
    target.inject("LaunchInstance", { kind: "stall" });
    const err = await relocate(s, emptyProgress(), deps()).catch((e) => e);
    expect(err).toBeInstanceOf(RelocationStepError);
    expect(err.step).toBe("launchInstance");
    expect(err.message).toMatch(/timed out after 0 s waiting for launchInstance .* \(last seen: IN_PROGRESS \d+%\)/);
    expect(err.progress.steps.launchInstance.workRequestId).toMatch(/^ocid1\.coreservicesworkrequest/);
  });
});

describe("pollUntil", () => {
  it("backs off exponentially up to the cap and stops at the timeout, on an injected clock", async () => {
    let now = 0;
    const sleeps: number[] = [];
    const clock: Clock = { now: () => now, sleep: async (ms) => { sleeps.push(ms); now += ms; } };
    const err = await pollUntil("thing", async () => ({ pending: "IN_PROGRESS" }), { timeoutMs: 10_000, initialDelayMs: 500, maxDelayMs: 2_000 }, clock).catch((e) => e);
    expect(err).toBeInstanceOf(WaitTimeoutError);
    expect(sleeps).toEqual([500, 1000, 2000, 2000, 2000, 2000, 500]);
  });

  it("propagates errors of the poll itself instead of polling forever", async () => {
    const clock: Clock = { now: () => 0, sleep: async () => undefined };
    const err = await pollUntil<string>("thing", async () => { throw new Error("404 NotAuthorizedOrNotFound"); }, { timeoutMs: 1000, initialDelayMs: 1, maxDelayMs: 1 }, clock).catch((e: Error) => e);
    expect((err as Error).message).toBe("404 NotAuthorizedOrNotFound");
  });
});

// Credentials: test/oci/oci-auth.test.ts (components/oci-auth.ts decides for every provider).
describe("endpoints from the environment", () => {
  it("parses endpoint overrides and names the variable when they are not JSON", () => {
    expect(endpointOverrides({ TUNDRA_OCI_ENDPOINTS: '{"sa-bogota-1":{"iaas":"https://iaas.example"}}' })).toEqual({ "sa-bogota-1": { iaas: "https://iaas.example" } });
    expect(endpointOverrides({})).toEqual({});
    expect(() => endpointOverrides({ TUNDRA_OCI_ENDPOINTS: "iaas=x" })).toThrow(/^TUNDRA_OCI_ENDPOINTS must be JSON/);
  });
});
