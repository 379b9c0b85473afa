// Where Route53 health checks can point and where they come from, as data.
//
// Refused targets: Route53 API reference, HealthCheckConfig.IPAddress ("Constraints: Route 53
// can't check the health of endpoints for which the IP address is in local, private,
// non-routable, or multicast ranges"), which names RFC 5735 (Special Use IPv4 Addresses), RFC 6598
// (Shared Address Space) and RFC 5156 (Special-Use IPv6). The IPv4 blocks below are RFC 5735's
// summary table plus RFC 6598's block, as in IANA's IPv4 Special-Purpose Address Registry
// (read 2026-12-06). IPv6 is not listed: health check addresses here are IPv4 only.
//
// Checker sources: AWS ip-ranges.json (https://ip-ranges.amazonaws.com/ip-ranges.json), service
// ROUTE53_HEALTHCHECKS, createDate 2026-08-22-21-17-05 (syncToken 1787433425), read 2026-12-06.
// Only the `aws` partition's ranges: the cutover's Route53 client is in that partition
// (us-east-1); the file also lists cn-* (China), us-gov-* (GovCloud) and eusc-* (European
// Sovereign Cloud) checkers, which never check endpoints for this partition. AWS "rarely changes"
// these (Route53 Developer Guide, "IP address ranges of Amazon Route 53 servers"); re-read the
// file when a health check turns unhealthy while the probe passes.

export interface SpecialRange {
  cidr: string;
  use: string;
}

export const ROUTE53_REFUSED_HEALTH_CHECK_RANGES: readonly SpecialRange[] = [
  { cidr: "0.0.0.0/8", use: '"this" network (RFC 5735)' },
  { cidr: "10.0.0.0/8", use: "private-use (RFC 1918)" },
  { cidr: "100.64.0.0/10", use: "shared address space, carrier-grade NAT (RFC 6598)" },
  { cidr: "127.0.0.0/8", use: "loopback (RFC 5735)" },
  { cidr: "169.254.0.0/16", use: "link local (RFC 3927)" },
  { cidr: "172.16.0.0/12", use: "private-use (RFC 1918)" },
  { cidr: "192.0.0.0/24", use: "IETF protocol assignments (RFC 5736)" },
  { cidr: "192.0.2.0/24", use: "documentation, TEST-NET-1 (RFC 5737)" },
  { cidr: "192.88.99.0/24", use: "6to4 relay anycast (RFC 3068)" },
  { cidr: "192.168.0.0/16", use: "private-use (RFC 1918)" },
  { cidr: "198.18.0.0/15", use: "benchmarking (RFC 2544)" },
  { cidr: "198.51.100.0/24", use: "documentation, TEST-NET-2 (RFC 5737)" },
  { cidr: "203.0.113.0/24", use: "documentation, TEST-NET-3 (RFC 5737)" },
  { cidr: "224.0.0.0/4", use: "multicast (RFC 3171)" },
  { cidr: "240.0.0.0/4", use: "reserved for future use (RFC 1112)" },
  { cidr: "255.255.255.255/32", use: "limited broadcast (RFC 919)" },
];

/** IPv4 sources of Route53 health checkers (aws partition), with the region each serves. */
export const ROUTE53_HEALTH_CHECKER_RANGES: readonly { cidr: string; region: string }[] = [
  { cidr: "15.177.0.0/18", region: "GLOBAL" },
  { cidr: "15.177.108.0/24", region: "us-south-1" },
  { cidr: "54.248.220.0/26", region: "ap-northeast-1" },
  { cidr: "54.250.253.192/26", region: "ap-northeast-1" },
  { cidr: "54.251.31.128/26", region: "ap-southeast-1" },
  { cidr: "54.255.254.192/26", region: "ap-southeast-1" },
  { cidr: "54.252.254.192/26", region: "ap-southeast-2" },
  { cidr: "54.252.79.128/26", region: "ap-southeast-2" },
  { cidr: "176.34.159.192/26", region: "eu-west-1" },
  { cidr: "54.228.16.0/26", region: "eu-west-1" },
  { cidr: "177.71.207.128/26", region: "sa-east-1" },
  { cidr: "54.232.40.64/26", region: "sa-east-1" },
  { cidr: "107.23.255.0/26", region: "us-east-1" },
  { cidr: "54.243.31.192/26", region: "us-east-1" },
  { cidr: "54.183.255.128/26", region: "us-west-1" },
  { cidr: "54.241.32.64/26", region: "us-west-1" },
  { cidr: "54.244.52.192/26", region: "us-west-2" },
  { cidr: "54.245.168.0/26", region: "us-west-2" },
];

function ipv4ToNumber(address: string): number | undefined {
  const parts = address.split(".");
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) return undefined;
  return parts.reduce((acc, p) => acc * 256 + Number(p), 0);
}

function inCidr(address: number, cidr: string): boolean {
  const [base, prefix] = cidr.split("/");
  const size = 2 ** (32 - Number(prefix));
  return Math.floor(address / size) * size === ipv4ToNumber(base);
}

/** The special range an IPv4 address is in, if Route53 refuses to health-check it; undefined otherwise. */
export function refusedHealthCheckRange(address: string): SpecialRange | undefined {
  const n = ipv4ToNumber(address);
  if (n === undefined) return undefined;
  return ROUTE53_REFUSED_HEALTH_CHECK_RANGES.find((r) => inCidr(n, r.cidr));
}
