// TundraCluster: N Flex query nodes placed across availability and fault domains, one Ultra
// High Performance data volume per node in the node's AD, attached over iSCSI so the Block
// Volume Management plugin can make the attachment multipath (UHP needs that for its
// performance), and a flexible load balancer with a health-checked backend per node.
import * as oci from "@pulumi/oci";
import * as pulumi from "@pulumi/pulumi";
import { placeNodes, type NodePlacement } from "./placement";
import { freeformTags, tenantDefinedTag, type DefinedTag, type TenantTagging } from "./tags";
import { dataProtectionOptions, type DataProtection } from "./protection";

export interface TundraClusterArgs {
  compartmentId: pulumi.Input<string>;
  tagging: TenantTagging;
  /** Defined tag `<ns>.<key> = <tenant>` that the dynamic group matches. */
  tenantTag: DefinedTag;
  nodeCount: number;
  /** Availability domains to spread over (round-robin), fault domains within each. */
  availabilityDomains: string[];
  shape: string;
  ocpus: number;
  memoryInGbs: number;
  imageId: pulumi.Input<string>;
  bootVolumeSizeInGbs: number;
  dataVolume: { sizeInGbs: number; vpusPerGb: number };
  nodeSubnetId: pulumi.Input<string>;
  nodeNsgId: pulumi.Input<string>;
  lbSubnetId: pulumi.Input<string>;
  lbNsgId: pulumi.Input<string>;
  /** Port the nodes serve TLS on: backends and health check. */
  queryPort: number;
  loadBalancer: {
    minBandwidthMbps: number;
    maxBandwidthMbps: number;
    isPrivate: boolean;
    listenerPort: number;
    /**
     * Whether a change may replace (or delete) the load balancer and its reserved address. False:
     * both are `protect`ed, so an edit that would replace the LB (and move the address Route53
     * points at) fails instead of happening as a side effect.
     */
    allowReplacement: boolean;
  };
  /** The data volumes hold tenant data: protected from `pulumi destroy` by default. */
  dataProtection?: DataProtection;
  /**
   * cloud-init user data (plain text, not base64) for every node: the hydration stage renders
   * it. Changing it does not replace running nodes (OCI applies user data at first boot only).
   */
  userData?: pulumi.Input<string>;
  /**
   * What the nodes need before their first boot (the identity policy their cloud-init relies
   * on). A component's own `dependsOn` does not reach its children, hence this argument.
   */
  nodesCreateAfter?: pulumi.Resource[];
  /** Extra data-volume arguments: cross-region replicas (TenantReplication.volumeReplicaArgs), or none (volumeWithoutReplicaArgs). */
  dataVolumeReplicas?: (volumeName: string) => Pick<oci.core.VolumeArgs, "blockVolumeReplicas" | "blockVolumeReplicasDeletion">;
}

/** Device path of the data volume on the node (OCI consistent device paths). */
export const DATA_DEVICE_PATH = "/dev/oracleoci/oraclevdb";

export const AGENT_PLUGINS = {
  runCommand: "Compute Instance Run Command",
  blockVolumeManagement: "Block Volume Management",
  monitoring: "Compute Instance Monitoring",
  customLogs: "Custom Logs Monitoring",
} as const;

export interface ClusterNode {
  name: string;
  /** The instance's display name: what the node's agents report under (instance metadata). */
  displayName: string;
  instanceId: pulumi.Output<string>;
  availabilityDomain: string;
  faultDomain: string;
  privateIp: pulumi.Output<string>;
  dataVolumeId: pulumi.Output<string>;
  dataAttachmentId: pulumi.Output<string>;
  dataDevicePath: string;
  /** Whether OCI made the data-volume attachment multipath (known after creation). */
  dataAttachmentMultipath: pulumi.Output<boolean>;
}

/** What every part of one cluster is declared with. */
interface ClusterScope {
  name: string;
  args: TundraClusterArgs;
  parent: { parent: pulumi.Resource };
  definedTags: ReturnType<typeof tenantDefinedTag>;
  /** The user data, base64 as OCI wants it in the instance metadata. */
  userData?: pulumi.Output<string>;
}

export class TundraCluster extends pulumi.ComponentResource {
  readonly nodes: ClusterNode[];
  readonly loadBalancerId: pulumi.Output<string>;
  readonly loadBalancerAddress: pulumi.Output<string>;
  readonly backendSetName: pulumi.Output<string>;

  constructor(name: string, args: TundraClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("tundra:oci:TundraCluster", name, {}, opts);
    const scope: ClusterScope = {
      name,
      args,
      parent: { parent: this },
      definedTags: tenantDefinedTag(args.tenantTag, args.tagging.tenant),
      userData: args.userData === undefined ? undefined : pulumi.output(args.userData).apply((text) => Buffer.from(text, "utf8").toString("base64")),
    };

    // Each node waits for the one before it, so an in-place change that reboots a node (a Flex
    // resize) rolls through the cluster one node at a time instead of taking all down at once.
    let previousInstance: oci.core.Instance | undefined;
    this.nodes = placeNodes(args.nodeCount, args.availabilityDomains).map((placement) => {
      const { node: built, instance } = node(scope, placement, previousInstance ? [previousInstance] : args.nodesCreateAfter ?? []);
      previousInstance = instance;
      return built;
    });

    const lb = loadBalancer(scope, this.nodes);
    this.loadBalancerId = lb.id;
    this.loadBalancerAddress = lb.address;
    this.backendSetName = lb.backendSetName;
    this.registerOutputs({
      loadBalancerId: this.loadBalancerId,
      loadBalancerAddress: this.loadBalancerAddress,
      nodes: this.nodes.map(({ name: n, instanceId, availabilityDomain, faultDomain, privateIp, dataVolumeId, dataAttachmentMultipath }) => ({ name: n, instanceId, availabilityDomain, faultDomain, privateIp, dataVolumeId, dataAttachmentMultipath })),
    });
  }
}

/** Node i: its instance, its data volume in the node's AD, and the attachment of one to the other. */
function node(
  { name, args, parent, definedTags, userData }: ClusterScope,
  { index, availabilityDomain, faultDomain }: NodePlacement,
  createAfter: pulumi.Resource[],
): { node: ClusterNode; instance: oci.core.Instance } {
  const { tenant, env } = args.tagging;
  const compartmentId = args.compartmentId;
  const nodeName = `${name}-node-${index}`;
  const displayName = `tundra-${tenant}-${env}-${index}`;
  const instance = new oci.core.Instance(nodeName, {
    compartmentId,
    availabilityDomain,
    faultDomain,
    displayName,
    shape: args.shape,
    shapeConfig: { ocpus: args.ocpus, memoryInGbs: args.memoryInGbs },
    sourceDetails: { sourceType: "image", sourceId: args.imageId, bootVolumeSizeInGbs: String(args.bootVolumeSizeInGbs) },
    createVnicDetails: {
      subnetId: args.nodeSubnetId,
      assignPublicIp: "false",
      nsgIds: [args.nodeNsgId],
      hostnameLabel: `${tenant.replace(/[^a-z0-9]/g, "").slice(0, 12)}n${index}`,
    },
    agentConfig: {
      isManagementDisabled: false,
      isMonitoringDisabled: false,
      pluginsConfigs: Object.values(AGENT_PLUGINS).map((plugin) => ({ name: plugin, desiredState: "ENABLED" })),
    },
    instanceOptions: { areLegacyImdsEndpointsDisabled: true },
    metadata: userData ? { user_data: userData } : undefined,
    definedTags,
    freeformTags: freeformTags(args.tagging, "query-node"),
    preserveBootVolume: false,
  }, { ...parent, ignoreChanges: ["metadata"], dependsOn: createAfter });

  const volume = new oci.core.Volume(`${nodeName}-data`, {
    compartmentId,
    availabilityDomain,
    displayName: `${displayName}-data`,
    sizeInGbs: String(args.dataVolume.sizeInGbs),
    vpusPerGb: String(args.dataVolume.vpusPerGb),
    freeformTags: freeformTags(args.tagging, "data-volume"),
    ...args.dataVolumeReplicas?.(`${displayName}-data`),
  }, { ...parent, ...dataProtectionOptions(args.dataProtection ?? "protect") });

  const attachment = new oci.core.VolumeAttachment(`${nodeName}-data-attachment`, {
    instanceId: instance.id,
    volumeId: volume.id,
    // Oracle, "Configuring Attachments to Ultra High Performance Volumes": a multipath-enabled
    // iSCSI attachment needs a supported shape config (components/oci/shapes.ts, checked by the
    // config), a supported image (Oracle Linux, UEK6U1 or later), the Block Volume Management
    // plugin (AGENT_PLUGINS), a service gateway (TenantNetwork), the plugin's policy
    // (TundraIdentity) and a consistent device path (`device`). The plugin then logs in the
    // multipath sessions itself. `isAgentAutoIscsiLoginEnabled` is, per the provider docs,
    // for NON-multipath iSCSI attachments only: it changes nothing on a multipath one, and if
    // OCI falls back to single path it still logs the volume in, so the node boots and
    // reports; the Hydration resource then refuses that node (components/hydration), so a
    // single-path fallback never passes as UHP.
    attachmentType: "iscsi",
    isAgentAutoIscsiLoginEnabled: true,
    useChap: false,
    device: DATA_DEVICE_PATH,
    displayName: `${displayName}-data`,
  }, parent);

  return {
    instance,
    node: {
      name: nodeName,
      displayName,
      instanceId: instance.id,
      availabilityDomain,
      faultDomain,
      privateIp: instance.privateIp,
      dataVolumeId: volume.id,
      dataAttachmentId: attachment.id,
      dataDevicePath: DATA_DEVICE_PATH,
      dataAttachmentMultipath: attachment.isMultipath,
    },
  };
}

/** The flexible load balancer in front of the nodes: its address, backend set, listener and one backend per node. */
function loadBalancer({ name, args, parent }: ClusterScope, nodes: ClusterNode[]): { id: pulumi.Output<string>; address: pulumi.Output<string>; backendSetName: pulumi.Output<string> } {
  const { tenant, env } = args.tagging;
  const compartmentId = args.compartmentId;
  // The LB's address is what Route53 points at. A public LB takes a reserved public IP, which
  // outlives the LB ("This reserved IP will not be deleted when load balancer is deleted",
  // provider docs, LoadBalancer.reservedIps); a private LB's address comes from its subnet.
  // Replacing the LB is never a side effect: subnet_ids, is_private, ip_mode and reserved_ips
  // are ForceNew in Oracle's Terraform provider (terraform-provider-oci
  // internal/service/load_balancer/load_balancer_load_balancer_resource.go, commit 10e08e41),
  // so both resources are protected unless tundra:loadBalancer.allowReplacement says otherwise.
  const lbProtection = { protect: !args.loadBalancer.allowReplacement };
  const reservedIp = args.loadBalancer.isPrivate ? undefined : new oci.core.PublicIp(`${name}-lb-ip`, {
    compartmentId,
    lifetime: "RESERVED",
    displayName: `tundra-${tenant}-${env}-lb`,
    freeformTags: freeformTags(args.tagging, "load-balancer"),
  }, { ...parent, ...lbProtection, ignoreChanges: ["privateIpId"] }); // the LB assigns it, not this resource

  const lb = new oci.loadbalancer.LoadBalancer(`${name}-lb`, {
    compartmentId,
    displayName: `tundra-${tenant}-${env}`,
    shape: "flexible",
    shapeDetails: { minimumBandwidthInMbps: args.loadBalancer.minBandwidthMbps, maximumBandwidthInMbps: args.loadBalancer.maxBandwidthMbps },
    subnetIds: [args.lbSubnetId],
    isPrivate: args.loadBalancer.isPrivate,
    reservedIps: reservedIp ? [{ id: reservedIp.id }] : undefined,
    networkSecurityGroupIds: [args.lbNsgId],
    freeformTags: freeformTags(args.tagging, "load-balancer"),
    // A reserved IP maps to one LB at a time: an allowed replacement must release it first.
  }, { ...parent, ...lbProtection, deleteBeforeReplace: reservedIp !== undefined });

  const backendSet = new oci.loadbalancer.BackendSet(`${name}-backends`, {
    loadBalancerId: lb.id,
    name: "query-nodes",
    policy: "LEAST_CONNECTIONS",
    // One truth: the nodes serve TLS on the query port and the listener passes it through, so
    // the check must not speak plain HTTP to that port (every backend would fail the TLS
    // handshake as "unhealthy"). A load balancer health checker speaks HTTP or TCP (provider
    // docs, BackendSetHealthChecker.protocol): a TCP connect to the same TLS port, i.e. the
    // node accepts connections where clients connect. Whether a node holds the right data is
    // Hydration's gate, not the LB's.
    healthChecker: {
      protocol: "TCP",
      port: args.queryPort,
      intervalMs: 10_000,
      timeoutInMillis: 3_000,
      retries: 3,
    },
  }, parent);

  new oci.loadbalancer.Listener(`${name}-listener`, {
    loadBalancerId: lb.id,
    name: "query",
    defaultBackendSetName: backendSet.name,
    port: args.loadBalancer.listenerPort,
    // TCP pass-through: TLS terminates on the nodes (no sslConfiguration here), as on AWS.
    protocol: "TCP",
  }, parent);

  nodes.forEach((node, index) =>
    new oci.loadbalancer.Backend(`${name}-backend-${index}`, {
      loadBalancerId: lb.id,
      backendsetName: backendSet.name,
      ipAddress: node.privateIp,
      port: args.queryPort,
    }, parent));

  return {
    id: lb.id,
    // The reserved IP is known before the LB exists: read it through the LB so that whoever uses
    // the address (probes, DNS) also waits for the LB behind it.
    address: reservedIp
      ? pulumi.all([reservedIp.ipAddress, lb.id]).apply(([address]) => address)
      : lb.ipAddressDetails.apply((details) => details?.[0]?.ipAddress ?? ""),
    backendSetName: backendSet.name,
  };
}
