import { describe, expect, it } from "vitest";
import { ociFullSinceFromHistory, ociStackFacts } from "../../components/decommission/oci-stack-facts";
import type { HistoryEvent } from "../../components/cutover/types";

const at = (day: number) => `2026-11-${String(day).padStart(2, "0")}T10:00:00.000Z`;
const ev = (day: number, aws: number, oci: number, event: HistoryEvent["event"] = "step"): HistoryEvent => ({ at: at(day), event, weights: { aws, oci }, detail: "" });

describe("OCI at 100% since, from the OCI stack's cutover output", () => {
  it("is the start of the trailing run at AWS 0 with OCI carrying traffic", () => {
    const history = [ev(1, 99, 1), ev(2, 50, 50), ev(3, 0, 100), ev(3, 0, 100, "complete")];
    expect(ociFullSinceFromHistory(history)).toBe(at(3));
  });

  it("restarts after a rollback: only the last unbroken run counts", () => {
    const history = [ev(1, 0, 100), ev(2, 75, 25, "rollback"), ev(5, 0, 100), ev(5, 0, 100, "complete")];
    expect(ociFullSinceFromHistory(history)).toBe(at(5));
  });

  it("is undefined while AWS still has weight at the end, or with no history", () => {
    expect(ociFullSinceFromHistory([ev(1, 0, 100), ev(2, 50, 50, "rollback")])).toBeUndefined();
    expect(ociFullSinceFromHistory([])).toBeUndefined();
    expect(ociFullSinceFromHistory([{ nonsense: true }])).toBeUndefined();
  });

  it("with the history trimmed to its last events, gives a later date than the truth (the guard only waits longer)", () => {
    const full = Array.from({ length: 60 }, (_, i) => ev(1 + Math.floor(i / 3), 0, 100, "complete"));
    expect(ociFullSinceFromHistory(full)).toBe(at(1));
    expect(ociFullSinceFromHistory(full.slice(-30))).toBe(at(11));
  });

  it("prefers an explicit ociFullSince, derives it from the history otherwise, and reads awsDecommissioned", () => {
    const facts = (cutover: unknown) => ociStackFacts({ cutover }).ociStack;
    expect(facts({ ociFullSince: at(2), history: [ev(9, 0, 100)], awsDecommissioned: true })).toMatchObject({ ociFullSince: at(2), awsDecommissioned: true });
    expect(facts({ history: [ev(9, 0, 100)], awsDecommissioned: false })).toMatchObject({ ociFullSince: at(9), awsDecommissioned: false });
    expect(facts({ ociPercent: 100, status: "complete" }).missing).toEqual(["dataSync.destination", "dataSync.source", "cutover.route53", "cutover.ociFullSince", "cutover.awsDecommissioned"]);
  });
});

describe("the guard's inputs from the OCI stack's outputs", () => {
  const dataSync = {
    manifestDigest: "abc",
    destination: { namespace: "exampletenancyns", bucket: "tundra-acme-prod", prefix: "data/", region: "us-ashburn-1" },
    source: { bucket: "tundra-analytics-prod", prefix: "tenants/acme", region: "us-east-1" },
  };
  const cutover = {
    ociFullSince: at(2),
    awsDecommissioned: true,
    route53: { zoneId: "Z0123456789ABCDEFGHIJ", recordName: "acme.analytics.example.com", recordType: "A", awsSetIdentifier: "aws", ociSetIdentifier: "oci" },
  };

  it("with no outputs at all (the OCI stack has not synced yet): every fact null, each output named as missing", () => {
    expect(ociStackFacts({})).toEqual({
      route53: null,
      destination: null,
      ociStack: {
        ociFullSince: "",
        awsDecommissioned: false,
        source: null,
        missing: ["dataSync.destination", "dataSync.source", "cutover.route53", "cutover.ociFullSince", "cutover.awsDecommissioned"],
        invalid: [],
      },
    });
  });

  it("with a dataSync but no cutover yet: the destination and source, the cutover's facts missing", () => {
    const facts = ociStackFacts({ dataSync });
    expect(facts.destination).toEqual({ ...dataSync.destination, endpoint: "" });
    expect(facts.ociStack.source).toEqual({ bucket: "tundra-analytics-prod", prefix: "tenants/acme/", region: "us-east-1" });
    expect(facts.route53).toBeNull();
    expect(facts.ociStack.missing).toEqual(["cutover.route53", "cutover.ociFullSince", "cutover.awsDecommissioned"]);
  });

  it("with both: every fact, nothing missing", () => {
    expect(ociStackFacts({ dataSync, cutover })).toMatchObject({
      route53: cutover.route53,
      destination: dataSync.destination,
      ociStack: { ociFullSince: at(2), awsDecommissioned: true, missing: [], invalid: [] },
    });
  });

  it("never takes a malformed output: it is null and named as invalid, with the guard's own reason", () => {
    const facts = ociStackFacts({
      dataSync: { ...dataSync, destination: { ...dataSync.destination, namespace: "Not A Namespace" } },
      cutover: { ...cutover, ociFullSince: "last week", awsDecommissioned: "yes", route53: { ...cutover.route53, zoneId: "/hostedzone/Z1" } },
    });
    expect(facts.route53).toBeNull();
    expect(facts.destination).toBeNull();
    expect(facts.ociStack).toMatchObject({ ociFullSince: "", awsDecommissioned: false, missing: [] });
    expect(facts.ociStack.invalid).toEqual([
      { output: "dataSync.destination", reason: 'namespace: must be the OCI Object Storage namespace (`oci os ns get`) (got "Not A Namespace")' },
      { output: "cutover.route53", reason: 'zoneId: must be a Route53 hosted zone id such as Z0123456789ABCDEFGHIJ (got "/hostedzone/Z1")' },
      { output: "cutover.ociFullSince", reason: 'must be an ISO date such as 2026-11-10T08:00:00Z, or "" when unknown (got "last week")' },
      { output: "cutover.awsDecommissioned", reason: "must be true or false" },
    ]);
  });
});
