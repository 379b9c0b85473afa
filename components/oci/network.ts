// TenantNetwork: one VCN per tenant stack with a private node subnet and a load-balancer subnet
// (private unless the LB is public). Object Storage is reached through a Service Gateway
// (private and free of egress charges). Security is in network security groups: clients ->
// LB on the listener port, LB -> nodes on the query port, node <-> node; the subnets carry an
// empty security list so the VCN's default list (SSH from anywhere) never applies.
import * as oci from "@pulumi/oci";
import * as pulumi from "@pulumi/pulumi";
import { ROUTE53_HEALTH_CHECKER_RANGES } from "../aws/route53-health-checks";
import { freeformTags, type TenantTagging } from "./tags";

export interface TenantNetworkArgs {
  compartmentId: pulumi.Input<string>;
  tagging: TenantTagging;
  vcnCidr: string;
  nodeSubnetCidr: string;
  lbSubnetCidr: string;
  /** Public load balancer: its subnet becomes public with an Internet Gateway route. */
  publicLoadBalancer: boolean;
  /** NAT gateway for the nodes' outbound internet traffic. */
  natGateway: boolean;
  /** OCID of the "All <region> Services In Oracle Services Network" service (from getServices). */
  oracleServicesId: pulumi.Input<string>;
  /** CIDR label of that service, e.g. `all-iad-services-in-oracle-services-network`. */
  oracleServicesCidrLabel: pulumi.Input<string>;
  /** Port the query nodes listen on. */
  queryPort: number;
  /** Port clients reach the load balancer on. */
  listenerPort: number;
  /** Client networks allowed to reach the listener. */
  clientCidrs: string[];
  /** Port a Route53 health check calls on the (public) load balancer: admits AWS's checker ranges there. */
  route53HealthCheckPort?: number;
}

const TCP = "6";
const UDP = "17";

/** VCN/subnet DNS labels: letters and digits, starting with a letter, at most 15 characters. */
export function dnsLabel(prefix: string, tenant: string): string {
  return `${prefix}${tenant.replace(/[^a-z0-9]/g, "")}`.slice(0, 15);
}

/** What every part of one network is declared with. */
interface NetworkScope {
  name: string;
  args: TenantNetworkArgs;
  parent: { parent: pulumi.Resource };
  compartmentId: pulumi.Input<string>;
  tags: Record<string, string>;
  tenant: string;
}

export class TenantNetwork extends pulumi.ComponentResource {
  readonly vcnId: pulumi.Output<string>;
  readonly nodeSubnetId: pulumi.Output<string>;
  readonly lbSubnetId: pulumi.Output<string>;
  readonly nodeNsgId: pulumi.Output<string>;
  readonly lbNsgId: pulumi.Output<string>;

  constructor(name: string, args: TenantNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("tundra:oci:TenantNetwork", name, {}, opts);
    const scope: NetworkScope = { name, args, parent: { parent: this }, compartmentId: args.compartmentId, tags: freeformTags(args.tagging), tenant: args.tagging.tenant };

    const vcn = new oci.core.Vcn(`${name}-vcn`, {
      compartmentId: args.compartmentId,
      cidrBlocks: [args.vcnCidr],
      displayName: `tundra-${scope.tenant}-${args.tagging.env}`,
      dnsLabel: dnsLabel("t", scope.tenant),
      freeformTags: scope.tags,
    }, scope.parent);
    const routes = routeTables(scope, vcn);
    const { nodeSubnet, lbSubnet } = subnets(scope, vcn, routes);
    const { nodeNsg, lbNsg } = securityGroups(scope, vcn);

    this.vcnId = vcn.id;
    this.nodeSubnetId = nodeSubnet.id;
    this.lbSubnetId = lbSubnet.id;
    this.nodeNsgId = nodeNsg.id;
    this.lbNsgId = lbNsg.id;
    this.registerOutputs({ vcnId: this.vcnId, nodeSubnetId: this.nodeSubnetId, lbSubnetId: this.lbSubnetId, nodeNsgId: this.nodeNsgId, lbNsgId: this.lbNsgId });
  }
}

/** The gateways and the route tables: the nodes' (Oracle services, optional NAT) and, for a public LB, the LB subnet's (Internet Gateway). */
function routeTables({ name, args, parent, compartmentId, tags, tenant }: NetworkScope, vcn: oci.core.Vcn): { nodes: pulumi.Output<string>; lb: pulumi.Output<string> } {
  const serviceGateway = new oci.core.ServiceGateway(`${name}-sgw`, {
    compartmentId,
    vcnId: vcn.id,
    services: [{ serviceId: args.oracleServicesId }],
    displayName: `tundra-${tenant}-services`,
    freeformTags: tags,
  }, parent);

  const nat = args.natGateway
    ? new oci.core.NatGateway(`${name}-nat`, { compartmentId, vcnId: vcn.id, displayName: `tundra-${tenant}-nat`, freeformTags: tags }, parent)
    : undefined;

  const nodeRoutes = new oci.core.RouteTable(`${name}-node-routes`, {
    compartmentId,
    vcnId: vcn.id,
    displayName: `tundra-${tenant}-nodes`,
    routeRules: [
      { networkEntityId: serviceGateway.id, destination: args.oracleServicesCidrLabel, destinationType: "SERVICE_CIDR_BLOCK", description: "Object Storage and Oracle services, private" },
      ...(nat ? [{ networkEntityId: nat.id, destination: "0.0.0.0/0", destinationType: "CIDR_BLOCK", description: "outbound internet via NAT" }] : []),
    ],
    freeformTags: tags,
  }, parent);

  let lbRouteTableId = nodeRoutes.id;
  if (args.publicLoadBalancer) {
    const igw = new oci.core.InternetGateway(`${name}-igw`, { compartmentId, vcnId: vcn.id, enabled: true, displayName: `tundra-${tenant}-igw`, freeformTags: tags }, parent);
    lbRouteTableId = new oci.core.RouteTable(`${name}-lb-routes`, {
      compartmentId,
      vcnId: vcn.id,
      displayName: `tundra-${tenant}-lb`,
      routeRules: [{ networkEntityId: igw.id, destination: "0.0.0.0/0", destinationType: "CIDR_BLOCK", description: "public load balancer" }],
      freeformTags: tags,
    }, parent).id;
  }

  return { nodes: nodeRoutes.id, lb: lbRouteTableId };
}

/** The node subnet (private) and the LB subnet, both with an empty security list. */
function subnets({ name, args, parent, compartmentId, tags, tenant }: NetworkScope, vcn: oci.core.Vcn, routes: { nodes: pulumi.Output<string>; lb: pulumi.Output<string> }): { nodeSubnet: oci.core.Subnet; lbSubnet: oci.core.Subnet } {
  // No rules: NSGs below carry all of the security. Without this list a subnet would get
  // the VCN's default security list, which allows SSH from 0.0.0.0/0.
  const emptySecurityList = new oci.core.SecurityList(`${name}-no-rules`, {
    compartmentId,
    vcnId: vcn.id,
    displayName: `tundra-${tenant}-nsg-only`,
    egressSecurityRules: [],
    ingressSecurityRules: [],
    freeformTags: tags,
  }, parent);

  const nodeSubnet = new oci.core.Subnet(`${name}-nodes`, {
    compartmentId,
    vcnId: vcn.id,
    cidrBlock: args.nodeSubnetCidr,
    displayName: `tundra-${tenant}-nodes`,
    dnsLabel: "nodes",
    prohibitPublicIpOnVnic: true,
    prohibitInternetIngress: true,
    routeTableId: routes.nodes,
    securityListIds: [emptySecurityList.id],
    freeformTags: tags,
  }, parent);

  const lbSubnet = new oci.core.Subnet(`${name}-lb`, {
    compartmentId,
    vcnId: vcn.id,
    cidrBlock: args.lbSubnetCidr,
    displayName: `tundra-${tenant}-lb`,
    dnsLabel: "lb",
    prohibitPublicIpOnVnic: !args.publicLoadBalancer,
    prohibitInternetIngress: !args.publicLoadBalancer,
    routeTableId: routes.lb,
    securityListIds: [emptySecurityList.id],
    freeformTags: tags,
  }, parent);

  return { nodeSubnet, lbSubnet };
}

/** The LB's and the nodes' network security groups and their rules: all of the network's security. */
function securityGroups({ name, args, parent, compartmentId, tags, tenant }: NetworkScope, vcn: oci.core.Vcn): { nodeNsg: oci.core.NetworkSecurityGroup; lbNsg: oci.core.NetworkSecurityGroup } {
  const lbNsg = new oci.core.NetworkSecurityGroup(`${name}-lb-nsg`, { compartmentId, vcnId: vcn.id, displayName: `tundra-${tenant}-lb`, freeformTags: tags }, parent);
  const nodeNsg = new oci.core.NetworkSecurityGroup(`${name}-node-nsg`, { compartmentId, vcnId: vcn.id, displayName: `tundra-${tenant}-nodes`, freeformTags: tags }, parent);

  const port = (p: number) => ({ destinationPortRange: { min: p, max: p } });
  const rule = (ruleName: string, ruleArgs: oci.core.NetworkSecurityGroupSecurityRuleArgs) =>
    new oci.core.NetworkSecurityGroupSecurityRule(`${name}-${ruleName}`, { stateless: false, ...ruleArgs }, parent);

  args.clientCidrs.forEach((cidr, i) =>
    rule(`lb-in-client-${i}`, { networkSecurityGroupId: lbNsg.id, direction: "INGRESS", protocol: TCP, source: cidr, sourceType: "CIDR_BLOCK", tcpOptions: port(args.listenerPort), description: `clients ${cidr} -> listener` }));
  // Route53 health checkers reach only a public LB (a private address is refused by config).
  if (args.route53HealthCheckPort !== undefined && args.publicLoadBalancer) {
    const hcPort = args.route53HealthCheckPort;
    ROUTE53_HEALTH_CHECKER_RANGES.forEach(({ cidr, region }, i) =>
      rule(`lb-in-route53-hc-${i}`, { networkSecurityGroupId: lbNsg.id, direction: "INGRESS", protocol: TCP, source: cidr, sourceType: "CIDR_BLOCK", tcpOptions: port(hcPort), description: `Route53 health checkers ${cidr} (${region}) -> port ${hcPort}` }));
  }
  rule("lb-out-nodes", { networkSecurityGroupId: lbNsg.id, direction: "EGRESS", protocol: TCP, destination: nodeNsg.id, destinationType: "NETWORK_SECURITY_GROUP", tcpOptions: port(args.queryPort), description: "LB -> nodes, query port and health check" });
  rule("node-in-lb", { networkSecurityGroupId: nodeNsg.id, direction: "INGRESS", protocol: TCP, source: lbNsg.id, sourceType: "NETWORK_SECURITY_GROUP", tcpOptions: port(args.queryPort), description: "LB -> nodes, query port and health check" });
  // MPP exchanges use ports chosen at run time: all TCP, but only between this tenant's nodes.
  rule("node-in-cluster", { networkSecurityGroupId: nodeNsg.id, direction: "INGRESS", protocol: TCP, source: nodeNsg.id, sourceType: "NETWORK_SECURITY_GROUP", description: "node <-> node cluster traffic" });
  rule("node-out-cluster", { networkSecurityGroupId: nodeNsg.id, direction: "EGRESS", protocol: TCP, destination: nodeNsg.id, destinationType: "NETWORK_SECURITY_GROUP", description: "node <-> node cluster traffic" });
  rule("node-out-services", { networkSecurityGroupId: nodeNsg.id, direction: "EGRESS", protocol: TCP, destination: args.oracleServicesCidrLabel, destinationType: "SERVICE_CIDR_BLOCK", tcpOptions: port(443), description: "Object Storage, Vault, agent endpoints via the Service Gateway" });
  // Link-local services: instance metadata (instance principals, cloud-init), iSCSI targets of
  // the data volumes (169.254.2.x:3260) and the VCN DNS resolver.
  rule("node-out-link-local", { networkSecurityGroupId: nodeNsg.id, direction: "EGRESS", protocol: TCP, destination: "169.254.0.0/16", destinationType: "CIDR_BLOCK", description: "metadata service and iSCSI volume targets" });
  rule("node-out-dns", { networkSecurityGroupId: nodeNsg.id, direction: "EGRESS", protocol: UDP, destination: "169.254.169.254/32", destinationType: "CIDR_BLOCK", udpOptions: port(53), description: "VCN DNS resolver" });
  if (args.natGateway) {
    rule("node-out-internet", { networkSecurityGroupId: nodeNsg.id, direction: "EGRESS", protocol: TCP, destination: "0.0.0.0/0", destinationType: "CIDR_BLOCK", tcpOptions: port(443), description: "HTTPS via NAT" });
  }

  return { nodeNsg, lbNsg };
}
