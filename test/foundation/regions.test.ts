// The region table against the OCI SDK's own list, so an SDK update that adds a commercial
// region shows up as a failing test instead of a silently rejected region.
import { Region } from "oci-common";
import { describe, expect, it } from "vitest";
import { OCI_REGIONS, availabilityDomainNames, isAvailabilityDomainOf, lookupRegion } from "../../components/oci/regions";

describe("OCI region table", () => {
  it("holds exactly the commercial-realm (oc1) regions the OCI SDK knows, with their keys", () => {
    const sdk = Region.values().filter((r) => r.realm.realmId === "oc1");
    expect([...OCI_REGIONS.keys()].sort()).toEqual(sdk.map((r) => r.regionId).sort());
    for (const r of sdk) expect(OCI_REGIONS.get(r.regionId)!.key, r.regionId).toBe(r.regionCode?.toUpperCase());
  });

  it("names ADs the way OCI does, and recognises them", () => {
    const ashburn = OCI_REGIONS.get("us-ashburn-1")!;
    expect(availabilityDomainNames(ashburn)).toEqual(["Uocm:US-ASHBURN-AD-1", "Uocm:US-ASHBURN-AD-2", "Uocm:US-ASHBURN-AD-3"]);
    expect(availabilityDomainNames(OCI_REGIONS.get("us-phoenix-1")!)).toEqual(["Uocm:PHX-AD-1", "Uocm:PHX-AD-2", "Uocm:PHX-AD-3"]);
    expect(availabilityDomainNames(OCI_REGIONS.get("ap-tokyo-1")!)).toEqual(["Uocm:AP-TOKYO-1-AD-1"]);
    for (const region of OCI_REGIONS.values()) {
      for (const ad of availabilityDomainNames(region, "abCD")) expect(isAvailabilityDomainOf(region, ad), ad).toBe(true);
    }
    expect(isAvailabilityDomainOf(ashburn, "Uocm:PHX-AD-1")).toBe(false);
  });

  it("has no default: lookups of unknown names fail", () => {
    expect(lookupRegion("")).toHaveProperty("error");
    expect(lookupRegion("US-ASHBURN-1")).toHaveProperty("error");
  });
});
