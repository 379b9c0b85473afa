// The OCI Compute / Work Requests test server, judged by the real oci-core and oci-workrequests
// clients: request and response shapes, signatures, Flex launch rules, work request lifecycle.
import * as core from "oci-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeRegionClients, RegionClients } from "../../components/region/oci-clients";
import { quietRegionClients as quiet } from "../support/quiet-oci-clients";
import { OciComputeServer, startOciComputeServer } from "../support/oci-compute-server";
import { makeOciTestAuth } from "../support/oci-signature";

const COMPARTMENT = "ocid1.compartment.oc1..aaaatestcompartment";

describe("OCI compute test server with the real SDK clients", () => {
  const auth = makeOciTestAuth();
  const stranger = makeOciTestAuth();
  let now = Date.parse("2026-11-23T12:00:00Z");
  let server: OciComputeServer;
  let clients: RegionClients;

  beforeAll(async () => {
    // The server's clock is driven by the test; signatures still use the real date, so the
    // controlled clock stays within OCI's 5-minute skew of it.
    now = Date.now();
    server = await startOciComputeServer({ region: "us-ashburn-1", keys: new Map([[auth.keyId, auth.publicKey]]), buckets: ["b"], now: () => now, durationsMs: { CreateImage: 1000 } });
    clients = quiet(makeRegionClients("us-ashburn-1", auth.provider, { "us-ashburn-1": { iaas: server.endpoint, objectstorage: server.endpoint } }));
  });
  afterAll(() => server?.close());

  it("rejects a request signed with an unknown key with 401 NotAuthenticated", async () => {
    const other = quiet(makeRegionClients("us-ashburn-1", stranger.provider, { "us-ashburn-1": { iaas: server.endpoint } }));
    const err = await other.compute.getInstance({ instanceId: "ocid1.instance.oc1.iad.x" }).catch((e) => e);
    expect(err.statusCode).toBe(401);
    expect(err.serviceCode).toBe("NotAuthenticated");
  });

  it("walks a CreateImage work request ACCEPTED -> IN_PROGRESS -> SUCCEEDED with the clock", async () => {
    const instance = server.addInstance({ compartmentId: COMPARTMENT, shape: "VM.Standard.E4.Flex" });
    const created = await clients.compute.createImage({ createImageDetails: { compartmentId: COMPARTMENT, instanceId: instance.id, displayName: "img" } });
    expect(created.image.lifecycleState).toBe(core.models.Image.LifecycleState.Provisioning);
    // The SDK leaves JSON dates as the ISO strings the service sent.
    expect(String(created.image.timeCreated)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const workRequestId = created.opcWorkRequestId!;
    const status = async () => (await clients.workRequests.getWorkRequest({ workRequestId })).workRequest;
    expect((await status()).status).toBe("ACCEPTED");
    now += 500;
    const halfway = await status();
    expect(halfway.status).toBe("IN_PROGRESS");
    expect(halfway.percentComplete).toBe(50);
    expect(halfway.resources[0]).toMatchObject({ entityType: "image", identifier: created.image.id, actionType: "IN_PROGRESS" });
    expect((await clients.compute.getInstance({ instanceId: instance.id })).instance.lifecycleState).toBe("CREATING_IMAGE");
    now += 600;
    const done = await status();
    expect(done.status).toBe("SUCCEEDED");
    expect(Date.parse(String(done.timeFinished))).toBe(Date.parse(String(done.timeAccepted)) + 1000);
    expect((await clients.compute.getImage({ imageId: created.image.id })).image.lifecycleState).toBe("AVAILABLE");
    expect((await clients.compute.getInstance({ instanceId: instance.id })).instance.lifecycleState).toBe("RUNNING");
  });

  it("ends an injected failure FAILED with errors listable through ListWorkRequestErrors", async () => {
    const instance = server.addInstance({ compartmentId: COMPARTMENT, shape: "VM.Standard.E4.Flex" });
    server.inject("CreateImage", { kind: "workRequest", status: "FAILED", message: "boot volume unavailable", code: "InternalError" });
    const created = await clients.compute.createImage({ createImageDetails: { compartmentId: COMPARTMENT, instanceId: instance.id } });
    now += 2000;
    const { workRequest } = await clients.workRequests.getWorkRequest({ workRequestId: created.opcWorkRequestId! });
    expect(workRequest.status).toBe("FAILED");
    const { items } = await clients.workRequests.listWorkRequestErrors({ workRequestId: created.opcWorkRequestId! });
    expect(items).toEqual([{ code: "InternalError", message: "boot volume unavailable", timestamp: new Date(now).toISOString() }]);
  });

  it("refuses a Flex launch without a shape config with OCI's own message", async () => {
    const instance = server.addInstance({ compartmentId: COMPARTMENT, shape: "VM.Standard.E4.Flex" });
    const image = await clients.compute.createImage({ createImageDetails: { compartmentId: COMPARTMENT, instanceId: instance.id } });
    now += 2000;
    const err = await clients.compute.launchInstance({
      launchInstanceDetails: {
        availabilityDomain: server.availabilityDomains[0], compartmentId: COMPARTMENT, shape: "VM.Standard.E4.Flex",
        sourceDetails: { sourceType: "image", imageId: image.image.id } as core.models.InstanceSourceViaImageDetails,
        createVnicDetails: { subnetId: "ocid1.subnet.oc1.iad.x" },
      },
    }).catch((e) => e);
    expect(err.statusCode).toBe(400);
    expect(err.serviceCode).toBe("InvalidParameter");
    expect(err.message).toBe("Invalid ShapeConfig: null (Cannot launch flexible instance without ShapeConfig)");
  });

  it("records the tags, agent settings, instance options and metadata a launch gives, returns them from GetInstance, and refuses what the API refuses", async () => {
    const instance = server.addInstance({ compartmentId: COMPARTMENT, shape: "VM.Standard.E4.Flex" });
    const image = await clients.compute.createImage({ createImageDetails: { compartmentId: COMPARTMENT, instanceId: instance.id } });
    now += 2000;
    const launch = (extra: Partial<core.models.LaunchInstanceDetails>) => clients.compute.launchInstance({
      launchInstanceDetails: {
        availabilityDomain: server.availabilityDomains[0], compartmentId: COMPARTMENT, shape: "VM.Standard.E4.Flex", shapeConfig: { ocpus: 1, memoryInGBs: 16 },
        sourceDetails: { sourceType: "image", imageId: image.image.id } as core.models.InstanceSourceViaImageDetails,
        createVnicDetails: { subnetId: "ocid1.subnet.oc1.iad.x" },
        ...extra,
      },
    });
    const settings = {
      definedTags: { tundra: { tenant: "acme" } },
      agentConfig: { isManagementDisabled: false, pluginsConfig: [{ name: "Compute Instance Run Command", desiredState: "ENABLED" as never }] },
      instanceOptions: { areLegacyImdsEndpointsDisabled: true },
      metadata: { user_data: Buffer.from("#cloud-config\n").toString("base64"), ssh_authorized_keys: "ssh-ed25519 AAAA test" },
    };
    const launched = await launch(settings);
    const read = await clients.compute.getInstance({ instanceId: launched.instance.id });
    expect(read.instance).toMatchObject(settings);

    // LaunchInstanceDetails: metadata and extendedMetadata together at most 32,000 bytes.
    const tooBig = await launch({ metadata: { user_data: "A".repeat(32_000) } }).catch((e) => e);
    expect([tooBig.statusCode, tooBig.serviceCode]).toEqual([400, "InvalidParameter"]);
    expect(tooBig.message).toMatch(/maximum of 32000 bytes/);
    const badPlugin = await launch({ agentConfig: { pluginsConfig: [{ name: "Bastion", desiredState: "ON" as never }] } }).catch((e) => e);
    expect([badPlugin.statusCode, badPlugin.message]).toEqual([400, "agentConfig.pluginsConfig entries need a name and a desiredState of ENABLED or DISABLED"]);
    const flatTags = await launch({ definedTags: { tundra: "acme" } as never }).catch((e) => e);
    expect(flatTags.statusCode).toBe(400);
  });

  it("answers a repeated opc-retry-token with the first result instead of creating twice", async () => {
    const instance = server.addInstance({ compartmentId: COMPARTMENT, shape: "VM.Standard.E4.Flex" });
    const request = { createImageDetails: { compartmentId: COMPARTMENT, instanceId: instance.id }, opcRetryToken: "token-1" };
    const first = await clients.compute.createImage(request);
    now += 2000;
    const second = await clients.compute.createImage(request);
    expect(second.image.id).toBe(first.image.id);
    expect(second.opcWorkRequestId).toBe(first.opcWorkRequestId);
  });

  it("serves an object through a read-only PAR without a signature, and not after the PAR is deleted", async () => {
    server.objects.set("b/image.oci", Buffer.from("OCI-EXPORT x OCI"));
    const namespaceName = (await clients.objectStorage.getNamespace({})).value;
    const { preauthenticatedRequest: par } = await clients.objectStorage.createPreauthenticatedRequest({
      namespaceName, bucketName: "b",
      createPreauthenticatedRequestDetails: { name: "p", objectName: "image.oci", accessType: "ObjectRead" as never, timeExpires: new Date(now + 3_600_000) },
    });
    expect(par.accessUri).toMatch(/^\/p\/[\w-]+\/n\/tundratest\/b\/b\/o\/image\.oci$/);
    expect(await (await fetch(`${server.endpoint}${par.accessUri}`)).text()).toBe("OCI-EXPORT x OCI");
    await clients.objectStorage.deletePreauthenticatedRequest({ namespaceName, bucketName: "b", parId: par.id });
    expect((await fetch(`${server.endpoint}${par.accessUri}`)).status).toBe(404);
  });
  it("lists images and instances by compartment, exact display name and state, newest first, a page at a time; tags are returned, not filtered on", async () => {
    const compartment = "ocid1.compartment.oc1..aaaalistcompartment";
    const instance = server.addInstance({ compartmentId: compartment, shape: "VM.Standard.E4.Flex", displayName: "lister" });
    const made: string[] = [];
    for (const tag of ["a", "b", "c"]) {
      const { image } = await clients.compute.createImage({ createImageDetails: { compartmentId: compartment, instanceId: instance.id, displayName: "listed", freeformTags: { run: tag } } });
      made.push(image.id);
      now += 2000;
    }
    await clients.compute.createImage({ createImageDetails: { compartmentId: compartment, instanceId: instance.id, displayName: "other" } });
    server.images.get(made[0])!.lifecycleState = "DELETED";

    const first = await clients.compute.listImages({ compartmentId: compartment, displayName: "listed", limit: 2 });
    expect(first.items.map((i) => i.id)).toEqual([made[2], made[1]]);
    expect(first.items[0].freeformTags).toEqual({ run: "c" });
    expect(first.opcNextPage).toEqual(expect.any(String));
    const second = await clients.compute.listImages({ compartmentId: compartment, displayName: "listed", limit: 2, page: first.opcNextPage });
    expect(second.items.map((i) => i.id)).toEqual([made[0]]);
    expect(second.items[0].lifecycleState).toBe("DELETED");
    expect(second.opcNextPage).toBeUndefined();
    const available = await clients.compute.listImages({ compartmentId: compartment, displayName: "listed", lifecycleState: "available" });
    expect(available.items.map((i) => i.id)).toEqual([made[2], made[1]]);
    const oldestFirst = await clients.compute.listImages({ compartmentId: compartment, displayName: "listed", sortOrder: core.requests.ListImagesRequest.SortOrder.Asc });
    expect(oldestFirst.items.map((i) => i.id)).toEqual(made);

    const instances = await clients.compute.listInstances({ compartmentId: compartment, displayName: "lister" });
    expect(instances.items.map((i) => i.id)).toEqual([instance.id]);
    expect((await clients.compute.listInstances({ compartmentId: compartment, lifecycleState: "TERMINATED" })).items).toEqual([]);
    const missing = await clients.compute.listInstances({ compartmentId: "" }).catch((e) => e);
    expect(missing.message).toMatch(/compartmentId/);
  });

  it("lists objects under a prefix in name order, `limit` at a time with nextStartWith", async () => {
    for (const name of ["run/2.oci", "run/1.oci", "run/3.oci", "other/1.oci"]) server.objects.set(`b/${name}`, Buffer.from(name));
    const namespaceName = (await clients.objectStorage.getNamespace({})).value;
    const page1 = await clients.objectStorage.listObjects({ namespaceName, bucketName: "b", prefix: "run/", limit: 2, fields: "name,size" });
    expect(page1.listObjects.objects).toEqual([{ name: "run/1.oci", size: 9 }, { name: "run/2.oci", size: 9 }]);
    expect(page1.listObjects.nextStartWith).toBe("run/3.oci");
    const page2 = await clients.objectStorage.listObjects({ namespaceName, bucketName: "b", prefix: "run/", start: page1.listObjects.nextStartWith, fields: "name" });
    expect(page2.listObjects.objects).toEqual([{ name: "run/3.oci" }]);
    expect(page2.listObjects.nextStartWith).toBeUndefined();
    const gone = await clients.objectStorage.listObjects({ namespaceName, bucketName: "nope" }).catch((e) => e);
    expect(gone.statusCode).toBe(404);
    expect(gone.serviceCode).toBe("BucketNotFound");
  });
});
