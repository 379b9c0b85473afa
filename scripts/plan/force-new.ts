// Inputs whose change makes the OCI provider replace the resource instead of updating it: the
// attributes marked `ForceNew: true` in the resource schemas of terraform-provider-oci, which
// @pulumi/oci bridges (names converted to Pulumi's camelCase below). Read from
// oracle/terraform-provider-oci at commit 8de3c480b4bf08d8edd40ef0cc4ad0340bd01721 (2026-08-19),
// internal/service/<service>/<resource>_resource.go, on 2026-12-06; only the types the plan
// declares. Nested attributes are `parent.child`. A type not listed here is not inferred.
const TERRAFORM_FORCE_NEW: Record<string, string[]> = {
  "oci:Core/instance:Instance": [
    "availability_domain", "cluster_placement_group_id", "compute_cluster_id", "create_vnic_details.assign_ipv6ip", "create_vnic_details.assign_private_dns_record",
    "create_vnic_details.private_ip", "create_vnic_details.private_ip_id", "create_vnic_details.security_attributes", "create_vnic_details.subnet_cidr",
    "create_vnic_details.subnet_id", "create_vnic_details.vlan_id", "hostname_label", "image", "instance_configuration_id", "ipxe_script",
    "is_pv_encryption_in_transit_enabled", "launch_options.firmware", "launch_options.is_consistent_volume_naming_enabled", "launch_options.remote_data_volume_type",
    "placement_constraint_details", "platform_config", "preemptible_instance_config", "source_details.boot_volume_vpus_per_gb",
    "source_details.instance_source_image_filter_details", "subnet_id",
  ],
  "oci:Core/volume:Volume": ["availability_domain", "backup_policy_id", "size_in_mbs", "source_details", "volume_backup_id", "xrc_kms_key_id"],
  "oci:Core/volumeAttachment:VolumeAttachment": [
    "attachment_type", "instance_id", "volume_id", "device", "display_name", "encryption_in_transit_type", "is_agent_auto_iscsi_login_enabled",
    "is_pv_encryption_in_transit_enabled", "is_read_only", "is_shareable", "use_chap",
  ],
  "oci:Core/subnet:Subnet": ["vcn_id", "availability_domain", "dns_label", "prohibit_internet_ingress", "prohibit_public_ip_on_vnic"],
  "oci:Core/vcn:Vcn": ["cidr_block", "dns_label"],
  "oci:Core/publicIp:PublicIp": ["lifetime", "public_ip_pool_id"],
  "oci:Core/networkSecurityGroup:NetworkSecurityGroup": ["vcn_id"],
  "oci:Core/networkSecurityGroupSecurityRule:NetworkSecurityGroupSecurityRule": ["network_security_group_id"],
  "oci:Core/routeTable:RouteTable": ["vcn_id"],
  "oci:Core/securityList:SecurityList": ["vcn_id"],
  "oci:Core/serviceGateway:ServiceGateway": ["vcn_id"],
  "oci:LoadBalancer/loadBalancer:LoadBalancer": ["subnet_ids", "is_private"],
  "oci:LoadBalancer/backend:Backend": ["backendset_name", "ip_address", "load_balancer_id", "port"],
  "oci:LoadBalancer/backendSet:BackendSet": ["load_balancer_id", "name"],
  "oci:LoadBalancer/listener:Listener": ["load_balancer_id", "name"],
  "oci:Identity/policy:Policy": ["compartment_id", "name"],
  "oci:Identity/dynamicGroup:DynamicGroup": ["compartment_id", "name"],
  "oci:ObjectStorage/bucket:Bucket": ["name", "namespace", "storage_tier"],
  "oci:ObjectStorage/storageObject:StorageObject": [
    "bucket", "namespace", "object", "cache_control", "content_disposition", "content", "content_encoding", "content_language", "content_md5", "content_type", "metadata",
    "source", "source_uri_details",
  ],
};

/**
 * Replacements the provider decides in its CustomizeDiff rather than the schema, same file and
 * commit: load_balancer_load_balancer_resource.go, forceNewReservedIps and
 * forceNewIpv6SubnetCidr. A change of `path` replaces unless `unlessAlsoChanged` changes too;
 * when both change the provider compares the addresses, which is not inferred here.
 */
export const CUSTOMIZE_DIFF_FORCE_NEW: Record<string, { path: string; unlessAlsoChanged: string }[]> = {
  "oci:LoadBalancer/loadBalancer:LoadBalancer": [
    { path: "reservedIps", unlessAlsoChanged: "ipMode" },
    { path: "ipv6subnetCidr", unlessAlsoChanged: "ipMode" },
  ],
};

/**
 * Not from terraform-provider-oci: `command:local:Command` replaces on a change of `triggers`
 * (Pulumi Command docs, "Command" resource, input `triggers`: "Trigger a resource replacement on
 * changes to any of these values").
 */
const OTHER_FORCE_NEW: Record<string, string[]> = { "command:local:Command": ["triggers"] };

const camel = (snake: string) => snake.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

export const FORCE_NEW: ReadonlyMap<string, readonly string[]> = new Map([
  ...Object.entries(TERRAFORM_FORCE_NEW).map(([type, paths]) => [type, paths.map((p) => p.split(".").map(camel).join("."))] as const),
  ...Object.entries(OTHER_FORCE_NEW),
]);

/** The ForceNew attribute a changed input path falls under (`shapeConfig.ocpus` under `shapeConfig`), if any. */
export function forceNewFor(type: string, path: string): string | undefined {
  return FORCE_NEW.get(type)?.find((p) => under(path, p));
}

const under = (path: string, attribute: string) => path === attribute || path.startsWith(`${attribute}.`) || path.startsWith(`${attribute}[`);

/**
 * What the CustomizeDiff rules say about a set of changed paths: the attributes that force a
 * replacement, and those whose outcome only the provider can tell (both sides of a rule changed).
 */
export function customizeDiffFor(type: string, paths: readonly string[]): { forced: string[]; undecided: string[] } {
  const forced: string[] = [];
  const undecided: string[] = [];
  for (const rule of CUSTOMIZE_DIFF_FORCE_NEW[type] ?? []) {
    if (!paths.some((p) => under(p, rule.path))) continue;
    (paths.some((p) => under(p, rule.unlessAlsoChanged)) ? undecided : forced).push(rule.path);
  }
  return { forced, undecided };
}

/** Whether the provider's diff is known offline for this type (a static list), or only the provider decides. */
export function replacementKnown(type: string): boolean {
  return FORCE_NEW.has(type) || /^tundra:/.test(type);
}
