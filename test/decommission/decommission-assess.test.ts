import { describe, expect, it } from "vitest";
import { assessDecommission, type DecommissionFacts } from "../../components/decommission/assess";

const now = new Date("2026-11-23T12:00:00Z");
const policy = { minDaysOnOci: 7 };
const safeFacts: DecommissionFacts = {
  liveWeights: { aws: 0, oci: 255 },
  ociFullSince: "2026-11-10T08:00:00Z",
  ociStackAcknowledged: true,
  dataPending: { objects: 0, bytes: 0, examples: [] },
};

describe("assessDecommission", () => {
  it("is safe only when traffic, bake time, rollback path and data all agree", () => {
    expect(assessDecommission(safeFacts, policy, now)).toEqual({ safe: true, blockers: [] });
    // The AWS record already removed by the cutover counts as no AWS traffic.
    expect(assessDecommission({ ...safeFacts, liveWeights: { aws: undefined, oci: 100 } }, policy, now).safe).toBe(true);
  });

  it("blocks while AWS still has weight, naming the weights", () => {
    const result = assessDecommission({ ...safeFacts, liveWeights: { aws: 5, oci: 250 } }, policy, now);
    expect(result.safe).toBe(false);
    expect(result.blockers).toEqual(["traffic: AWS still has Route53 weight 5 (OCI 250); finish the cutover to OCI 100% first"]);
  });

  it("blocks when nothing serves the tenant on OCI, or the records cannot be read", () => {
    expect(assessDecommission({ ...safeFacts, liveWeights: { aws: 0, oci: 0 } }, policy, now).blockers[0]).toMatch(/^traffic: no OCI record/);
    expect(assessDecommission({ ...safeFacts, liveWeights: undefined }, policy, now).blockers[0]).toMatch(/^traffic: the Route53 records .* could not be read/);
  });

  it("blocks until OCI has carried 100% for the required days, with the measured figure", () => {
    const result = assessDecommission({ ...safeFacts, ociFullSince: "2026-11-20T00:00:00Z" }, policy, now);
    expect(result.blockers).toEqual(["bake: OCI has carried 100% for 3.5 days since 2026-11-20T00:00:00Z; 7 are required"]);
    expect(assessDecommission({ ...safeFacts, ociFullSince: undefined }, policy, now).blockers[0]).toMatch(/^bake: the OCI stack has no record/);
    expect(assessDecommission({ ...safeFacts, ociFullSince: "yesterday" }, policy, now).blockers[0]).toBe("bake: ociFullSince is not a date (yesterday)");
  });

  it("blocks while the OCI stack would still route back to AWS on teardown", () => {
    expect(assessDecommission({ ...safeFacts, ociStackAcknowledged: false }, policy, now).blockers[0]).toMatch(/^rollback path: .*awsDecommissioned=true/);
  });

  it("blocks while data in AWS is missing in OCI, and when the comparison did not run", () => {
    const pending = { objects: 2, bytes: 2048, examples: ["sales/2026/11.parquet", "a b&c.csv"] };
    expect(assessDecommission({ ...safeFacts, dataPending: pending }, policy, now).blockers).toEqual([
      "data: 2 objects (2048 bytes) in AWS are missing or different in OCI, e.g. sales/2026/11.parquet, a b&c.csv; run the sync first",
    ]);
    expect(assessDecommission({ ...safeFacts, dataPending: undefined }, policy, now).blockers[0]).toMatch(/^data: the final comparison/);
  });

  it("reports every blocker at once", () => {
    const result = assessDecommission(
      { liveWeights: { aws: 200, oci: 55 }, ociFullSince: undefined, ociStackAcknowledged: false, dataPending: undefined },
      policy,
      now,
    );
    expect(result.blockers.map((b) => b.split(":")[0])).toEqual(["traffic", "bake", "rollback path", "data"]);
  });

  it("says why a fact could not be gathered", () => {
    const result = assessDecommission({ ...safeFacts, liveWeights: undefined, liveWeightsError: "AccessDenied: route53:ListResourceRecordSets", dataPending: undefined, dataError: "listing took longer than 120 s" }, policy, now);
    expect(result.blockers).toEqual([
      "traffic: the Route53 records of the tenant could not be read (AccessDenied: route53:ListResourceRecordSets), so it is unknown whether AWS still serves traffic",
      "data: the final comparison of the AWS source with the OCI bucket did not run (listing took longer than 120 s)",
    ]);
  });

  it("blocks when the AWS source lists nothing: a wrong bucket or prefix must not pass as 'nothing missing'", () => {
    const empty = { objects: 0, bytes: 0, examples: [], source: { description: "s3://legacy/tenants/acme-typo/", objects: 0 } };
    expect(assessDecommission({ ...safeFacts, dataPending: empty }, policy, now).blockers).toEqual([
      "data: the AWS source s3://legacy/tenants/acme-typo/ lists no objects, so the comparison proved nothing; check the source bucket and prefix",
    ]);
    const full = { ...empty, source: { description: "s3://legacy/tenants/acme/", objects: 13 } };
    expect(assessDecommission({ ...safeFacts, dataPending: full }, policy, now).safe).toBe(true);
  });

  it("blocks while another weighted record at the name takes a share, or the name is still a plain record", () => {
    const others = [{ setIdentifier: "legacy-eu", weight: 20 }, { setIdentifier: "standby", weight: 0 }];
    expect(assessDecommission({ ...safeFacts, otherRecords: others }, policy, now).blockers).toEqual([
      'traffic: the weighted record "legacy-eu" outside the AWS/OCI pair has weight 20; it takes a share of the traffic',
    ]);
    const plain = assessDecommission({ ...safeFacts, liveWeights: { aws: undefined, oci: undefined }, otherRecords: [{ setIdentifier: null, weight: null }] }, policy, now);
    expect(plain.blockers).toEqual([
      "traffic: no OCI record carries traffic; decommissioning AWS would leave the tenant with nothing to serve it",
      "traffic: the name is still a plain (non-weighted) record, so traffic never moved to the weighted pair",
    ]);
  });

  it("blocks when the OCI stack's DataSync copied from another place than this stack's source (the comparison would check the wrong data)", () => {
    const aws = { bucket: "tundra-analytics-prod", prefix: "tenants/acme/", region: "us-east-1" };
    expect(assessDecommission({ ...safeFacts, sources: { aws, synced: { ...aws } } }, policy, now)).toEqual({ safe: true, blockers: [] });
    for (const synced of [{ ...aws, bucket: "other" }, { ...aws, prefix: "tenants/acme-old/" }, { ...aws, region: "us-west-2" }]) {
      expect(assessDecommission({ ...safeFacts, sources: { aws, synced } }, policy, now).blockers).toEqual([
        `source: the OCI stack's DataSync copied from s3://${synced.bucket}/${synced.prefix} (${synced.region}), but this stack's source is s3://tundra-analytics-prod/tenants/acme/ (us-east-1), so the data comparison would check the wrong data; make them the same place`,
      ]);
    }
  });

  it("blocks on each OCI stack output it lacks (one line per section of that stack, with the fix) or cannot use", () => {
    const result = assessDecommission(
      {
        ...safeFacts,
        ociStackGaps: {
          stack: "acme-org/tundra-replatform/prod",
          missing: ["dataSync.destination", "dataSync.source", "cutover.route53"],
          invalid: [{ output: "cutover.awsDecommissioned", reason: "must be true or false" }],
        },
      },
      policy,
      now,
    );
    expect(result).toEqual({
      safe: false,
      blockers: [
        "oci stack: the OCI stack acme-org/tundra-replatform/prod exports no dataSync.destination, no dataSync.source (as of this stack's last `pulumi up`): run `pulumi up` there with tundra:dataSync first",
        "oci stack: the OCI stack acme-org/tundra-replatform/prod exports no cutover.route53 (as of this stack's last `pulumi up`): run `pulumi up` there with tundra:cutover first",
        "oci stack: the OCI stack acme-org/tundra-replatform/prod exports cutover.awsDecommissioned in a form the guard cannot use (must be true or false); fix tundra:cutover there and run `pulumi up`",
      ],
    });
  });
});
