// `tundra:network`: the tenant VCN and its two subnets.
import { z } from "zod";
import { boolean, cidr } from "./fields";

export const networkSchema = z.strictObject({
  /** VCN address space (OCI allows /16 to /30). */
  vcnCidr: cidr,
  /** Private subnet of the query nodes; must be inside vcnCidr. */
  nodeSubnetCidr: cidr,
  /** Subnet of the load balancer; must be inside vcnCidr and not overlap the node subnet. */
  lbSubnetCidr: cidr,
  /** NAT gateway for outbound internet from the nodes (package mirrors outside OCI). */
  natGateway: boolean.default(false),
});

export type NetworkSection = z.output<typeof networkSchema>;
