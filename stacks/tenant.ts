// The tenant program, in stages. Nothing is declared until the config is valid and the
// invokes (discovery, preflight) have passed, so a bad config or a cluster that does not fit
// creates nothing.
import * as oci from "@pulumi/oci";
import * as pulumi from "@pulumi/pulumi";
import { TenantBucket, TenantNetwork, TundraCluster, TundraIdentity, placeNodes, runPreflight, type PreflightReport } from "../components/oci";
import type { TenantConfig } from "./config";
import { ociHealthCheckPortOf } from "./config/cutover";
import { volumeWithoutReplicaArgs } from "../components/region";
import { drReplication } from "./dr";
import { drPreflight } from "./dr-preflight";
import { declareRelocations } from "./relocations";
import { STAGE_ORDER, migrationStages, type Foundation, type MigrationStages, type PreClusterContext, type StageName, type StageResult } from "./stages";

/** Metrics namespace the nodes publish custom metrics under. */
export const METRICS_NAMESPACE = "tundra";

export function bucketNameOf(config: TenantConfig): string {
  return config.bucket.name ?? `tundra-${config.tenant.id}-${config.tenant.env}`;
}

/** Stage 0: explicit providers, so the region comes from the validated config only. */
function providers(config: TenantConfig): { provider: oci.Provider; homeProvider: oci.Provider } {
  const auth = { auth: config.oci.auth, configFileProfile: config.oci.configFileProfile };
  const provider = new oci.Provider("oci", { region: config.tenant.region, ...auth });
  const homeProvider = config.tenant.homeRegion === config.tenant.region ? provider : new oci.Provider("oci-home", { region: config.tenant.homeRegion, ...auth });
  return { provider, homeProvider };
}

interface Discovery {
  availabilityDomains: string[];
  namespace: string;
  oracleServices: { id: string; cidrBlock: string };
}

/** Stage 1: read-only invokes. */
async function discover(config: TenantConfig, provider: oci.Provider): Promise<Discovery> {
  const opts = { provider };
  const [ads, namespace, services] = await Promise.all([
    config.cluster.availabilityDomains
      ? Promise.resolve(config.cluster.availabilityDomains)
      : oci.identity.getAvailabilityDomains({ compartmentId: config.tenant.tenancyId }, opts).then((r) => r.availabilityDomains.map((ad) => ad.name).sort()),
    oci.objectstorage.getNamespace({ compartmentId: config.tenant.compartmentId }, opts).then((r) => r.namespace),
    oci.core.getServices({}, opts).then((r) => r.services),
  ]);
  if (ads.length === 0) throw new pulumi.RunError(`getAvailabilityDomains returned no availability domains for ${config.tenant.region}`);
  const all = services.find((s) => /^All .* Services In Oracle Services Network$/.test(s.name));
  if (!all) {
    throw new pulumi.RunError(`no "All <region> Services In Oracle Services Network" service in ${config.tenant.region} (got: ${services.map((s) => s.name).join(", ")})`);
  }
  return { availabilityDomains: ads, namespace, oracleServices: { id: all.id, cidrBlock: all.cidrBlock } };
}

/** Stage 2: capacity preflight; throws with the numbers when the cluster does not fit. */
async function preflight(config: TenantConfig, availabilityDomains: string[], provider: oci.Provider): Promise<PreflightReport> {
  const report = await runPreflight({
    compartmentId: config.tenant.compartmentId,
    tenant: config.tenant.id,
    env: config.tenant.env,
    shape: config.cluster.shape,
    ocpusPerNode: config.cluster.ocpus,
    placements: placeNodes(config.cluster.nodeCount, availabilityDomains),
  }, { provider });
  if (!report.ok) throw new pulumi.RunError(`Preflight failed, nothing was created:\n  ${report.problems.join("\n  ")}`);
  return report;
}

/** Stage 3: the OCI foundation. */
function foundation(config: TenantConfig, ctx: PreClusterContext, discovery: Discovery, homeProvider: oci.Provider, userData: pulumi.Input<string> | undefined): Foundation {
  const { tenant, network: net, cluster: c, loadBalancer: lb } = config;
  const tagging = { tenant: tenant.id, env: tenant.env, extra: config.tags };
  const tenantTag = { namespace: config.identity.tagNamespace, key: config.identity.tagKey };
  const opts = { provider: ctx.provider };

  const network = new TenantNetwork(`${tenant.id}-network`, {
    compartmentId: tenant.compartmentId,
    tagging,
    vcnCidr: net.vcnCidr,
    nodeSubnetCidr: net.nodeSubnetCidr,
    lbSubnetCidr: net.lbSubnetCidr,
    publicLoadBalancer: lb.visibility === "public",
    natGateway: net.natGateway,
    oracleServicesId: discovery.oracleServices.id,
    oracleServicesCidrLabel: discovery.oracleServices.cidrBlock,
    queryPort: c.queryPort,
    listenerPort: lb.listenerPort,
    clientCidrs: lb.allowedCidrs,
    route53HealthCheckPort: ociHealthCheckPortOf(config.cutover),
  }, opts);

  const kms = config.bucket.kmsKeyId
    ? { keyId: config.bucket.kmsKeyId, compartmentId: config.bucket.kmsKeyCompartmentId ?? tenant.compartmentId }
    : undefined;
  const identity = new TundraIdentity(`${tenant.id}-identity`, {
    tenancyId: tenant.tenancyId,
    compartmentId: tenant.compartmentId,
    tagging,
    tenantTag,
    bucketName: ctx.bucketName,
    region: tenant.region,
    kms,
    metricsNamespace: METRICS_NAMESPACE,
    operatorGroup: config.identity.operatorGroup,
  }, { provider: homeProvider });

  // With a Vault key, Object Storage may use it only once the identity policy exists.
  const bucket = new TenantBucket(`${tenant.id}-data`, {
    compartmentId: tenant.compartmentId,
    namespace: ctx.namespace,
    name: ctx.bucketName,
    tagging,
    kmsKeyId: kms?.keyId,
    createAfter: kms ? [identity] : [],
    dataProtection: config.protection.tenantData,
  }, opts);
  const replication = drReplication(ctx, bucket, homeProvider, tagging);

  const cluster = new TundraCluster(`${tenant.id}-cluster`, {
    compartmentId: tenant.compartmentId,
    tagging,
    tenantTag,
    nodeCount: c.nodeCount,
    availabilityDomains: ctx.availabilityDomains,
    shape: c.shape,
    ocpus: c.ocpus,
    memoryInGbs: c.memoryInGbs,
    imageId: c.imageId,
    bootVolumeSizeInGbs: c.bootVolumeSizeInGbs,
    dataVolume: c.dataVolume,
    nodeSubnetId: network.nodeSubnetId,
    nodeNsgId: network.nodeNsgId,
    lbSubnetId: network.lbSubnetId,
    lbNsgId: network.lbNsgId,
    queryPort: c.queryPort,
    loadBalancer: {
      minBandwidthMbps: lb.minBandwidthMbps,
      maxBandwidthMbps: lb.maxBandwidthMbps,
      isPrivate: lb.visibility === "private",
      listenerPort: lb.listenerPort,
      allowReplacement: lb.allowReplacement,
    },
    dataProtection: config.protection.tenantData,
    userData,
    // Instance principals must work at first boot (hydration reads the bucket from cloud-init).
    nodesCreateAfter: [identity],
    // Without replicas wanted (no tundra:dr, or replicateVolumes false), any replica a volume still
    // has is disabled: the way out of a refused resize (stacks/dr-preflight.ts).
    dataVolumeReplicas: config.dr?.replicateVolumes && replication ? replication.volumeReplicaArgs.bind(replication) : volumeWithoutReplicaArgs,
  }, opts);

  return { ...ctx, network, bucket, identity, cluster, replication };
}

/** Stage 4: data sync -> hydration -> validation -> cutover, each after the one before. */
function runMigrationStages(f: Foundation, stages: MigrationStages): Partial<Record<StageName, StageResult>> {
  const results: Partial<Record<StageName, StageResult>> = {};
  for (const name of STAGE_ORDER) {
    const result = stages[name]?.(f, { ...results });
    if (result) results[name] = result;
  }
  return results;
}

/** The whole tenant program; returns the stack outputs. */
export async function tenantProgram(config: TenantConfig, stages: MigrationStages = migrationStages): Promise<Record<string, unknown>> {
  const { provider, homeProvider } = providers(config);
  const discovery = await discover(config, provider);
  const preflightReport = await preflight(config, discovery.availabilityDomains, provider);
  const drProblems = await drPreflight(config, provider, homeProvider);
  if (drProblems.length > 0) throw new pulumi.RunError(`DR checks failed, nothing was created:\n  ${drProblems.join("\n  ")}`);

  const ctx: PreClusterContext = {
    config,
    provider,
    namespace: discovery.namespace,
    bucketName: bucketNameOf(config),
    availabilityDomains: discovery.availabilityDomains,
  };
  const f = foundation(config, ctx, discovery, homeProvider, stages.nodeUserData?.(ctx));
  const stageResults = runMigrationStages(f, stages);
  const relocations = declareRelocations(config);

  return {
    tenant: config.tenant.id,
    env: config.tenant.env,
    region: config.tenant.region,
    namespace: f.namespace,
    bucketName: f.bucket.bucketName,
    loadBalancerAddress: f.cluster.loadBalancerAddress,
    nodes: f.cluster.nodes.map((n) => ({
      name: n.name,
      instanceId: n.instanceId,
      availabilityDomain: n.availabilityDomain,
      faultDomain: n.faultDomain,
      privateIp: n.privateIp,
      dataVolumeId: n.dataVolumeId,
      dataDevicePath: n.dataDevicePath,
      // OCI's isMultipath: a UHP volume on a single-path attachment runs far below its level.
      dataAttachmentMultipath: n.dataAttachmentMultipath,
    })),
    dynamicGroup: f.identity.dynamicGroupName,
    preflight: preflightReport,
    ...(f.replication ? { dr: f.replication.summary() } : {}),
    ...(relocations.length > 0 ? { relocations: relocations.map(({ name, relocation }) => ({ name, targetInstanceId: relocation.targetInstanceId, remainingSteps: relocation.remainingSteps })) } : {}),
    ...Object.fromEntries(Object.entries(stageResults).map(([name, r]) => [name, r.outputs])),
  };
}
