// InstanceRelocation state written by a newer checkout is refused through the real provider host,
// before anything reads it (a misread progress could tear down or relaunch the wrong things).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ProviderCallError, serializeProvider, startProviderHost, type ProviderHost } from "../support/provider-host";

const STATE = {
  name: "db-1",
  source: { region: "us-ashburn-1", compartmentId: "ocid1.compartment.oc1..aaaa", instanceId: "ocid1.instance.oc1.iad.aaaa", bucket: "migration" },
  target: {
    region: "sa-bogota-1", compartmentId: "ocid1.compartment.oc1..aaaa", availabilityDomain: "Uocm:SA-BOGOTA-1-AD-1",
    subnetId: "ocid1.subnet.oc1.sa-bogota-1.aaaa", shape: "VM.Standard.E4.Flex", ocpus: 2, memoryInGBs: 32,
    displayName: "db-1", assignPublicIp: false, nsgIds: [],
  },
  cleanup: false, parTtlHours: 24, waits: { timeoutMinutes: 120, pollInitialSeconds: 5, pollMaxSeconds: 60 }, freeformTags: {},
  runId: "run-a", complete: false,
};
const ID = "relocation:db-1:ocid1.instance.oc1.iad.aaaa:sa-bogota-1";

describe("InstanceRelocation stored state versions (through the provider host)", () => {
  let host: ProviderHost;
  let provider: string;
  beforeAll(async () => {
    [provider, host] = await Promise.all([
      serializeProvider("components/region/provider.ts", "instanceRelocationProvider"),
      // No OCI endpoint at all: the refusal comes before any call.
      startProviderHost({ config: {}, deadlineMs: 30_000 }),
    ]);
  });
  afterAll(async () => {
    await host?.stop();
  });

  it("reads a version-1 state as it is", async () => {
    const read = await host.read(ID, { ...STATE, schemaVersion: 1, __provider: provider });
    expect(read.id).toBe(ID);
    expect(read.props).toMatchObject({ schemaVersion: 1, runId: "run-a" });
  });

  it("refuses a state with a schemaVersion it does not know, in read, diff and delete", async () => {
    const newer = { ...STATE, schemaVersion: 2, __provider: provider };
    for (const call of [() => host.read(ID, newer), () => host.diff(ID, newer, { ...STATE, __provider: provider }), () => host.delete(ID, newer)]) {
      const err = await call().then(() => new Error("accepted"), (e) => e);
      expect(err).toBeInstanceOf(ProviderCallError);
      expect(err.message).toContain("InstanceRelocation: the stored state has schemaVersion 2, which this checkout does not know");
    }
  });
});
