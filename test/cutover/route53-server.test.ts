// The Route53 test server, judged by the real @aws-sdk/client-route-53.
import {
  ChangeResourceRecordSetsCommand,
  CreateHealthCheckCommand,
  DeleteHealthCheckCommand,
  GetChangeCommand,
  GetHealthCheckStatusCommand,
  ListResourceRecordSetsCommand,
  ResourceRecordSet,
  Route53Client,
} from "@aws-sdk/client-route-53";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { Route53Server, startRoute53Server } from "../support/route53-server";

let server: Route53Server;
let client: Route53Client;
let zone: string;

const weighted = (id: string, weight: number, ttl = 60, value = "192.0.2.1"): ResourceRecordSet => ({
  Name: "tenant42.example.com",
  Type: "A",
  SetIdentifier: id,
  Weight: weight,
  TTL: ttl,
  ResourceRecords: [{ Value: value }],
});

async function change(...changes: { Action: "CREATE" | "DELETE" | "UPSERT"; ResourceRecordSet: ResourceRecordSet }[]) {
  return client.send(new ChangeResourceRecordSetsCommand({ HostedZoneId: zone, ChangeBatch: { Changes: changes } }));
}

async function failure(promise: Promise<unknown>): Promise<{ name: string; message: string; status?: number }> {
  const err: any = await promise.then(
    () => {
      throw new Error("expected the call to fail");
    },
    (e) => e,
  );
  return { name: err.name, message: err.message, status: err.$metadata?.httpStatusCode };
}

beforeAll(async () => {
  server = await startRoute53Server({ syncDelayMs: 150 });
  client = new Route53Client({
    region: "us-east-1",
    endpoint: server.endpoint,
    credentials: { accessKeyId: "AKIDTEST", secretAccessKey: "secret" },
    maxAttempts: 1,
  });
});
afterAll(async () => {
  client?.destroy();
  await server?.stop();
});
beforeEach(() => {
  zone = server.createZone("example.com.");
});

describe("ChangeResourceRecordSets and GetChange", () => {
  it("creates a weighted pair; the change is PENDING, then INSYNC after the delay", async () => {
    const result = await change(
      { Action: "CREATE", ResourceRecordSet: weighted("aws", 100) },
      { Action: "CREATE", ResourceRecordSet: weighted("oci", 0, 60, "192.0.2.2") },
    );
    expect(result.ChangeInfo?.Id).toMatch(/^\/change\/C[0-9A-F]+$/);
    expect(result.ChangeInfo?.Status).toBe("PENDING");
    expect((await client.send(new GetChangeCommand({ Id: result.ChangeInfo!.Id }))).ChangeInfo?.Status).toBe("PENDING");
    await new Promise((r) => setTimeout(r, 200));
    expect((await client.send(new GetChangeCommand({ Id: result.ChangeInfo!.Id }))).ChangeInfo?.Status).toBe("INSYNC");
    expect(server.records(zone).map((r) => [r.Name, r.SetIdentifier, r.Weight])).toEqual([
      ["tenant42.example.com.", "aws", 100],
      ["tenant42.example.com.", "oci", 0],
    ]);
  });

  it("answers the real validation errors with their codes", async () => {
    await change({ Action: "CREATE", ResourceRecordSet: weighted("aws", 100) });

    const exists = await failure(change({ Action: "CREATE", ResourceRecordSet: weighted("aws", 100) }));
    expect(exists).toEqual({
      name: "InvalidChangeBatch",
      status: 400,
      message: "[Tried to create resource record set [name='tenant42.example.com.', type='A', set-identifier='aws'] but it already exists]",
    });

    const missing = await failure(change({ Action: "DELETE", ResourceRecordSet: weighted("oci", 0) }));
    expect(missing.name).toBe("InvalidChangeBatch");
    expect(missing.message).toContain("Tried to delete resource record set [name='tenant42.example.com.', type='A', set-identifier='oci'] but it was not found");

    const mismatch = await failure(change({ Action: "DELETE", ResourceRecordSet: weighted("aws", 7) }));
    expect(mismatch.message).toContain("but the values provided do not match the current values");

    const noSetId = await failure(
      change({ Action: "UPSERT", ResourceRecordSet: { ...weighted("x", 5), SetIdentifier: undefined } }),
    );
    expect(noSetId.name).toBe("InvalidInput");
    expect(noSetId.message).toContain("Missing field 'SetIdentifier' in Change with [Action=UPSERT, Name=tenant42.example.com., Type=A, SetIdentifier=null]");

    const duplicate = await failure(
      change({ Action: "UPSERT", ResourceRecordSet: weighted("oci", 1) }, { Action: "UPSERT", ResourceRecordSet: weighted("oci", 2) }),
    );
    expect(duplicate.name).toBe("InvalidChangeBatch");
    expect(duplicate.message).toContain("The request contains an invalid set of changes for a resource record set 'A tenant42.example.com.'");

    const heavy = await failure(change({ Action: "UPSERT", ResourceRecordSet: weighted("oci", 256) }));
    expect(heavy.name).toBe("InvalidInput");
    expect(heavy.message).toContain("Value '256' at 'changeBatch.changes.1.member.resourceRecordSet.weight' failed to satisfy constraint");

    const mixedTtl = await failure(change({ Action: "CREATE", ResourceRecordSet: weighted("oci", 0, 300) }));
    expect(mixedTtl.name).toBe("InvalidChangeBatch");
    expect(mixedTtl.message).toContain("SetIdentifier oci cannot be created as weighted sets must contain the same TTL");

    const plainBesideWeighted = await failure(
      change({ Action: "CREATE", ResourceRecordSet: { Name: "tenant42.example.com", Type: "A", TTL: 60, ResourceRecords: [{ Value: "192.0.2.9" }] } }),
    );
    expect(plainBesideWeighted.message).toContain("cannot be created as other RRSets exist with the same name and type");

    const outside = await failure(change({ Action: "CREATE", ResourceRecordSet: { ...weighted("oci", 0), Name: "tenant42.example.org" } }));
    expect(outside.message).toContain("is not permitted in zone example.com.");
  });

  it("applies a batch all or nothing", async () => {
    await change({ Action: "CREATE", ResourceRecordSet: weighted("aws", 100) });
    const err = await failure(
      change(
        { Action: "UPSERT", ResourceRecordSet: weighted("aws", 50) },
        { Action: "DELETE", ResourceRecordSet: weighted("oci", 0) },
      ),
    );
    expect(err.name).toBe("InvalidChangeBatch");
    expect(server.records(zone)[0].Weight).toBe(100);

    // A DELETE of the plain record and a CREATE of the weighted pair in one batch is valid.
    const other = server.createZone("example.net");
    const plain = { Name: "t.example.net", Type: "A" as const, TTL: 300, ResourceRecords: [{ Value: "192.0.2.1" }] };
    await client.send(new ChangeResourceRecordSetsCommand({ HostedZoneId: other, ChangeBatch: { Changes: [{ Action: "CREATE", ResourceRecordSet: plain }] } }));
    await client.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: other,
        ChangeBatch: {
          Changes: [
            { Action: "DELETE", ResourceRecordSet: plain },
            { Action: "CREATE", ResourceRecordSet: { ...weighted("aws", 100), Name: "t.example.net" } },
            { Action: "CREATE", ResourceRecordSet: { ...weighted("oci", 0, 60, "192.0.2.2"), Name: "t.example.net" } },
          ],
        },
      }),
    );
    expect(server.records(other).map((r) => r.SetIdentifier)).toEqual(["aws", "oci"]);
  });

  it("answers NoSuchHostedZone and NoSuchChange", async () => {
    const zoneErr = await failure(client.send(new ListResourceRecordSetsCommand({ HostedZoneId: "ZNOPE" })));
    expect(zoneErr).toMatchObject({ name: "NoSuchHostedZone", status: 404 });
    const changeErr = await failure(client.send(new GetChangeCommand({ Id: "/change/CNOPE" })));
    expect(changeErr).toMatchObject({ name: "NoSuchChange", status: 404 });
  });
});

describe("ListResourceRecordSets", () => {
  it("pages by name (labels reversed), type and set identifier, and the SDK follows NextRecord*", async () => {
    for (const id of ["a", "b", "c", "d", "e"]) await change({ Action: "CREATE", ResourceRecordSet: weighted(id, 10) });
    await change({ Action: "CREATE", ResourceRecordSet: { Name: "zz.example.com", Type: "TXT", TTL: 60, ResourceRecords: [{ Value: '"x"' }] } });
    await change({ Action: "CREATE", ResourceRecordSet: { Name: "a.example.com", Type: "A", TTL: 60, ResourceRecords: [{ Value: "192.0.2.7" }] } });

    const first = await client.send(
      new ListResourceRecordSetsCommand({ HostedZoneId: zone, StartRecordName: "tenant42.example.com", StartRecordType: "A", MaxItems: 2 }),
    );
    expect(first.ResourceRecordSets?.map((r) => r.SetIdentifier)).toEqual(["a", "b"]);
    expect(first).toMatchObject({ IsTruncated: true, NextRecordName: "tenant42.example.com.", NextRecordType: "A", NextRecordIdentifier: "c", MaxItems: 2 });

    const second = await client.send(
      new ListResourceRecordSetsCommand({
        HostedZoneId: zone,
        StartRecordName: first.NextRecordName,
        StartRecordType: first.NextRecordType,
        StartRecordIdentifier: first.NextRecordIdentifier,
        MaxItems: 2,
      }),
    );
    expect(second.ResourceRecordSets?.map((r) => r.SetIdentifier)).toEqual(["c", "d"]);

    const all = await client.send(new ListResourceRecordSetsCommand({ HostedZoneId: zone }));
    expect(all.IsTruncated).toBe(false);
    // com.example.a < com.example.tenant42 < com.example.zz
    expect(all.ResourceRecordSets?.map((r) => `${r.Name}/${r.SetIdentifier ?? "-"}`)).toEqual([
      "a.example.com./-",
      ...["a", "b", "c", "d", "e"].map((id) => `tenant42.example.com./${id}`),
      "zz.example.com./-",
    ]);
    expect(all.ResourceRecordSets?.[1]).toMatchObject({ Weight: 10, TTL: 60, ResourceRecords: [{ Value: "192.0.2.1" }] });

    const typeWithoutName = await failure(client.send(new ListResourceRecordSetsCommand({ HostedZoneId: zone, StartRecordType: "A" })));
    expect(typeWithoutName.name).toBe("InvalidInput");
  });
});

describe("health checks", () => {
  it("creates idempotently by caller reference, reports status the test sets, refuses deleting one in use", async () => {
    const config = { Type: "HTTP" as const, IPAddress: "129.213.45.67", Port: 80, ResourcePath: "/health", RequestInterval: 10, FailureThreshold: 2 };
    const created = await client.send(new CreateHealthCheckCommand({ CallerReference: "ref-1", HealthCheckConfig: config }));
    expect(created.Location).toContain(`/2013-04-01/healthcheck/${created.HealthCheck!.Id}`);
    const again = await client.send(new CreateHealthCheckCommand({ CallerReference: "ref-1", HealthCheckConfig: config }));
    expect(again.HealthCheck?.Id).toBe(created.HealthCheck?.Id);
    const conflict = await failure(
      client.send(new CreateHealthCheckCommand({ CallerReference: "ref-1", HealthCheckConfig: { ...config, Port: 81 } })),
    );
    expect(conflict).toMatchObject({ name: "HealthCheckAlreadyExists", status: 409 });

    const id = created.HealthCheck!.Id!;
    const status = async () =>
      (await client.send(new GetHealthCheckStatusCommand({ HealthCheckId: id }))).HealthCheckObservations!.map((o) => o.StatusReport?.Status);
    expect((await status()).every((s) => s?.startsWith("Success"))).toBe(true);
    server.setHealth(id, false);
    expect((await status()).every((s) => s?.startsWith("Failure"))).toBe(true);

    await change({ Action: "CREATE", ResourceRecordSet: { ...weighted("oci", 0), HealthCheckId: id } });
    expect(await failure(client.send(new DeleteHealthCheckCommand({ HealthCheckId: id })))).toMatchObject({ name: "HealthCheckInUse" });
    const unknown = await failure(change({ Action: "CREATE", ResourceRecordSet: { ...weighted("aws", 1), HealthCheckId: "nope" } }));
    expect(unknown.name).toBe("NoSuchHealthCheck");

    // Once deleted, its caller reference cannot be used again, whatever the settings.
    await change({ Action: "DELETE", ResourceRecordSet: { ...weighted("oci", 0), HealthCheckId: id } });
    await client.send(new DeleteHealthCheckCommand({ HealthCheckId: id }));
    const reused = await failure(client.send(new CreateHealthCheckCommand({ CallerReference: "ref-1", HealthCheckConfig: config })));
    expect(reused).toMatchObject({ name: "HealthCheckAlreadyExists", status: 409 });
  });

  it("refuses a health check of a local, private or non-routable address as Route53 does (InvalidInput)", async () => {
    const before = server.healthCheckIds().length;
    for (const address of ["10.0.2.15", "172.16.0.9", "192.168.1.1", "100.64.0.1", "127.0.0.1", "169.254.169.254", "198.51.100.20", "224.0.0.1"]) {
      const err = await failure(
        client.send(new CreateHealthCheckCommand({ CallerReference: `private-${address}`, HealthCheckConfig: { Type: "HTTPS", IPAddress: address, Port: 443 } })),
      );
      expect(err, address).toMatchObject({ name: "InvalidInput", status: 400 });
      expect(err.message).toContain(address);
    }
    expect(server.healthCheckIds()).toHaveLength(before);
    const ok = await client.send(new CreateHealthCheckCommand({ CallerReference: "public-1", HealthCheckConfig: { Type: "HTTPS", IPAddress: "129.213.45.69", Port: 443 } }));
    expect(ok.HealthCheck?.Id).toBeTruthy();
  });

  it("answers injected throttling as the SDK expects it", async () => {
    server.failNext("ChangeResourceRecordSets", 1, "Throttling", "Rate exceeded");
    const err = await failure(change({ Action: "CREATE", ResourceRecordSet: weighted("aws", 1) }));
    expect(err).toMatchObject({ name: "Throttling", message: "Rate exceeded", status: 400 });
    server.failNext("ChangeResourceRecordSets", 1, "PriorRequestNotComplete", "The request was rejected because Route 53 was still processing a prior request.");
    expect((await failure(change({ Action: "CREATE", ResourceRecordSet: weighted("aws", 1) }))).name).toBe("PriorRequestNotComplete");
  });
});

describe("resolver (weighted routing as Route53 documents it)", () => {
  async function pair(aws: number, oci: number, ociHealthy = true, awsHealthy = true) {
    const hc = async (ref: string, healthy: boolean) => {
      const h = await client.send(
        new CreateHealthCheckCommand({ CallerReference: `${zone}-${ref}`, HealthCheckConfig: { Type: "TCP", IPAddress: "129.213.45.68", Port: 443 } }),
      );
      server.setHealth(h.HealthCheck!.Id!, healthy);
      return h.HealthCheck!.Id!;
    };
    await change(
      { Action: "CREATE", ResourceRecordSet: { ...weighted("aws", aws), HealthCheckId: await hc("aws", awsHealthy) } },
      { Action: "CREATE", ResourceRecordSet: { ...weighted("oci", oci, 60, "192.0.2.2"), HealthCheckId: await hc("oci", ociHealthy) } },
    );
    return server.sampleSplit(zone, "tenant42.example.com", "A", 10_000);
  }

  for (const oci of [1, 5, 25, 50, 100]) {
    it(`realizes oci ${oci}% within +-2% over 10,000 queries`, async () => {
      const split = await pair(100 - oci, oci);
      expect(Math.abs((split.oci ?? 0) - oci / 100)).toBeLessThanOrEqual(0.02);
    });
  }

  it("uses zero-weight records only when every non-zero record is unhealthy", async () => {
    expect((await pair(0, 100, false)).aws).toBe(1);
  });

  it("splits equally when all weights are zero", async () => {
    const split = await pair(0, 0);
    expect(Math.abs(split.oci - 0.5)).toBeLessThanOrEqual(0.02);
  });

  it("treats every record as healthy when all are unhealthy", async () => {
    const split = await pair(75, 25, false, false);
    expect(Math.abs(split.oci - 0.25)).toBeLessThanOrEqual(0.02);
  });

  it("routes around an unhealthy weighted record", async () => {
    expect((await pair(50, 50, false)).aws).toBe(1);
  });
});

describe("lifecycle", () => {
  it("stops by itself when idle", async () => {
    const idle = await startRoute53Server({ idleTimeoutMs: 100 });
    await new Promise((r) => setTimeout(r, 250));
    const err = await fetch(`${idle.endpoint}/2013-04-01/change/C1`).then(
      () => "answered",
      () => "closed",
    );
    expect(err).toBe("closed");
  });
});
