// `tundra:loadBalancer`: the flexible load balancer in front of the query nodes.
import { z } from "zod";
import { boolean, cidr, integer } from "./fields";

/** Flexible LB bandwidth bounds in Mbps (Oracle: minimum 10, maximum 8000). */
export const LB_MIN_MBPS = 10;
export const LB_MAX_MBPS = 8000;

export const loadBalancerSchema = z.strictObject({
  minBandwidthMbps: integer(LB_MIN_MBPS, LB_MAX_MBPS),
  maxBandwidthMbps: integer(LB_MIN_MBPS, LB_MAX_MBPS),
  /** `private` (default): reachable only inside the VCN and peered networks. */
  visibility: z.enum(["private", "public"], { error: (iss) => `must be private or public (got ${JSON.stringify(iss.input)})` }).default("private"),
  /** TCP port clients connect to. */
  listenerPort: integer(1, 65535).default(443),
  /** Client networks allowed to reach the listener. */
  allowedCidrs: z.array(cidr).min(1, { error: "must list at least one client CIDR" }),
  /**
   * Allow a change that replaces or deletes the load balancer (and its reserved public IP):
   * a new LB has a new address unless it keeps the reserved IP. Off: both are protected.
   */
  allowReplacement: boolean.default(false),
});

export type LoadBalancerSection = z.output<typeof loadBalancerSchema>;
