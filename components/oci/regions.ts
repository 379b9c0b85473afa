// OCI regions this project accepts, with their availability-domain counts, and AWS -> OCI
// suggestions used ONLY in error messages. An unknown region is always an error: there is no
// default region anywhere (the seed's `aws_to_oci_region` silently fell back to us-ashburn-1).
//
// Region identifiers: the commercial realm (OC1) list registered by the OCI SDK (oci-common
// 2.139.1 `Region.register(..., Realm.OC1, ...)`), cross-checked with Oracle's "Regions and
// Availability Domains" page. Most regions have one availability domain; the AD counts here
// size the offline plan's mocks and bound `tundra:cluster.availabilityDomains`. A real
// `pulumi up` always asks OCI (getAvailabilityDomains) when the ADs are not configured.

export interface OciRegion {
  /** Region identifier, e.g. `us-ashburn-1`. */
  readonly id: string;
  /** Three-letter region key, upper case (e.g. `IAD`). */
  readonly key: string;
  /** Number of availability domains in the region. */
  readonly availabilityDomains: 1 | 3;
}

const THREE_AD_REGIONS = new Set(["us-ashburn-1", "us-phoenix-1", "us-chicago-1", "uk-london-1", "eu-frankfurt-1"]);

// [identifier, region key]
const COMMERCIAL_REGIONS: ReadonlyArray<readonly [string, string]> = [
  ["af-casablanca-1", "LEJ"], ["af-johannesburg-1", "JNB"],
  ["ap-batam-1", "HSG"], ["ap-chuncheon-1", "YNY"], ["ap-delhi-1", "ONM"], ["ap-hyderabad-1", "HYD"],
  ["ap-kulai-2", "JBP"], ["ap-melbourne-1", "MEL"], ["ap-mumbai-1", "BOM"], ["ap-osaka-1", "KIX"],
  ["ap-seoul-1", "ICN"], ["ap-singapore-1", "SIN"], ["ap-singapore-2", "XSP"], ["ap-sydney-1", "SYD"],
  ["ap-tokyo-1", "NRT"],
  ["ca-montreal-1", "YUL"], ["ca-toronto-1", "YYZ"],
  ["eu-amsterdam-1", "AMS"], ["eu-frankfurt-1", "FRA"], ["eu-madrid-1", "MAD"], ["eu-madrid-3", "ORF"],
  ["eu-marseille-1", "MRS"], ["eu-milan-1", "LIN"], ["eu-paris-1", "CDG"], ["eu-stockholm-1", "ARN"],
  ["eu-turin-1", "NRQ"], ["eu-zurich-1", "ZRH"],
  ["il-jerusalem-1", "MTZ"],
  ["me-abudhabi-1", "AUH"], ["me-dubai-1", "DXB"], ["me-jeddah-1", "JED"], ["me-riyadh-1", "RUH"],
  ["mx-monterrey-1", "MTY"], ["mx-queretaro-1", "QRO"],
  ["sa-bogota-1", "BOG"], ["sa-santiago-1", "SCL"], ["sa-saopaulo-1", "GRU"], ["sa-valparaiso-1", "VAP"],
  ["sa-vinhedo-1", "VCP"],
  ["uk-cardiff-1", "CWL"], ["uk-london-1", "LHR"],
  ["us-ashburn-1", "IAD"], ["us-chicago-1", "ORD"], ["us-phoenix-1", "PHX"], ["us-saltlake-2", "AGA"],
  ["us-sanjose-1", "SJC"],
];

export const OCI_REGIONS: ReadonlyMap<string, OciRegion> = new Map(
  COMMERCIAL_REGIONS.map(([id, key]) => [id, { id, key, availabilityDomains: THREE_AD_REGIONS.has(id) ? 3 : 1 }]),
);

/**
 * The OCI region nearest to an AWS region, for error messages only ("did you mean ...").
 * us-west-2 (Oregon) -> us-sanjose-1 is a suggestion, not a rule: the seed mapped it two
 * different ways, which is why nothing here is ever applied silently.
 */
export const AWS_REGION_SUGGESTIONS: ReadonlyMap<string, string> = new Map([
  ["us-east-1", "us-ashburn-1"], ["us-east-2", "us-ashburn-1"], ["us-west-1", "us-sanjose-1"],
  ["us-west-2", "us-sanjose-1"], ["ca-central-1", "ca-toronto-1"], ["ca-west-1", "ca-toronto-1"],
  ["sa-east-1", "sa-saopaulo-1"], ["mx-central-1", "mx-queretaro-1"],
  ["eu-west-1", "uk-london-1"], ["eu-west-2", "uk-london-1"], ["eu-west-3", "eu-paris-1"],
  ["eu-central-1", "eu-frankfurt-1"], ["eu-central-2", "eu-zurich-1"], ["eu-north-1", "eu-stockholm-1"],
  ["eu-south-1", "eu-milan-1"], ["eu-south-2", "eu-madrid-1"],
  ["me-south-1", "me-dubai-1"], ["me-central-1", "me-abudhabi-1"], ["il-central-1", "il-jerusalem-1"],
  ["af-south-1", "af-johannesburg-1"],
  ["ap-northeast-1", "ap-tokyo-1"], ["ap-northeast-2", "ap-seoul-1"], ["ap-northeast-3", "ap-osaka-1"],
  ["ap-southeast-1", "ap-singapore-1"], ["ap-southeast-2", "ap-sydney-1"], ["ap-southeast-4", "ap-melbourne-1"],
  ["ap-southeast-3", "ap-batam-1"], ["ap-south-1", "ap-mumbai-1"], ["ap-south-2", "ap-hyderabad-1"],
]);

/** The region, or an error message that names the fix. Never a fallback. */
export function lookupRegion(name: string): { region: OciRegion } | { error: string } {
  const region = OCI_REGIONS.get(name);
  if (region) return { region };
  const suggestion = AWS_REGION_SUGGESTIONS.get(name);
  if (suggestion) {
    return { error: `"${name}" is an AWS region, not an OCI region; the nearest OCI region is "${suggestion}"` };
  }
  return { error: `unknown OCI region "${name}" (expected an OCI region identifier such as us-ashburn-1; see components/oci/regions.ts)` };
}

// The oldest regions name their ADs differently (`Uocm:PHX-AD-1`, `Uocm:US-ASHBURN-AD-1`).
const LEGACY_AD_ZONE: ReadonlyMap<string, string> = new Map([["us-phoenix-1", "PHX"], ["us-ashburn-1", "US-ASHBURN"]]);

/** The zone part of a region's AD names: `CA-TORONTO-1` in `Uocm:CA-TORONTO-1-AD-1`. */
export function availabilityDomainZone(region: OciRegion): string {
  return LEGACY_AD_ZONE.get(region.id) ?? region.id.toUpperCase();
}

/** Whether an AD name (`<tenancy prefix>:<zone>-AD-<n>`) can belong to the region. */
export function isAvailabilityDomainOf(region: OciRegion, adName: string): boolean {
  const zone = adName.split(":")[1] ?? "";
  const markers = [availabilityDomainZone(region), region.id.toUpperCase(), region.id.toUpperCase().replace(/-\d+$/, ""), region.key];
  return markers.some((marker) => new RegExp(`^${marker}-AD-\\d$`).test(zone));
}

/**
 * Availability-domain names as OCI reports them for a tenancy. The prefix is per tenancy; the
 * offline plan uses `Uocm`, the prefix in Oracle's examples.
 */
export function availabilityDomainNames(region: OciRegion, tenancyPrefix = "Uocm"): string[] {
  return Array.from({ length: region.availabilityDomains }, (_, i) => `${tenancyPrefix}:${availabilityDomainZone(region)}-AD-${i + 1}`);
}
