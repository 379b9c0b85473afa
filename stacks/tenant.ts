// The tenant program, in stages, top to bottom: providers, discovery and preflight (invokes),
// the OCI foundation (network, identity, bucket, cluster), then the migration: data sync ->
// hydration -> validation -> cutover, each stage a typed resource the next one reads and waits
// for. Nothing is declared until the config is valid and the invokes have passed, so a bad config
// or a cluster that does not fit creates nothing.
import * as oci from "@pulumi/oci";
import * as pulumi from "@pulumi/pulumi";
import {
  TenantBucket, TenantNetwork, TundraCluster, TundraIdentity, placeNodes, runPreflight,
  type DefinedTag, type PreflightReport, type TenantTagging,
} from "../components/oci";
import { volumeWithoutReplicaArgs, type TenantReplication } from "../components/region";
import type { TenantConfig } from "./config";
import { ociHealthCheckPortOf } from "./config/cutover";
import { drReplication } from "./dr";
import { drPreflight } from "./dr-preflight";
import type { Foundation, Site, Staged } from "./foundation";
import { declareRelocations } from "./relocations";
import { cutOver } from "./cutover-stage";
import { syncData } from "./data-sync-stage";
import { hydrate, nodeUserData } from "./hydration-stage";
import { validate } from "./validation-stage";

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

/** The tagging every OCI resource of the tenant carries. */
function taggingOf(config: TenantConfig): TenantTagging {
  return { tenant: config.tenant.id, env: config.tenant.env, extra: config.tags };
}

function tenantTagOf(config: TenantConfig): DefinedTag {
  return { namespace: config.identity.tagNamespace, key: config.identity.tagKey };
}

/** The tenant's Vault key for the bucket, when `tundra:bucket.kmsKeyId` names one. */
function bucketKeyOf(config: TenantConfig): { keyId: string; compartmentId: string } | undefined {
  return config.bucket.kmsKeyId
    ? { keyId: config.bucket.kmsKeyId, compartmentId: config.bucket.kmsKeyCompartmentId ?? config.tenant.compartmentId }
    : undefined;
}

function tenantNetwork(site: Site, oracleServices: Discovery["oracleServices"]): TenantNetwork {
  const { config } = site;
  const { tenant, network: net, cluster: c, loadBalancer: lb } = config;
  return new TenantNetwork(`${tenant.id}-network`, {
    compartmentId: tenant.compartmentId,
    tagging: taggingOf(config),
    vcnCidr: net.vcnCidr,
    nodeSubnetCidr: net.nodeSubnetCidr,
    lbSubnetCidr: net.lbSubnetCidr,
    publicLoadBalancer: lb.visibility === "public",
    natGateway: net.natGateway,
    oracleServicesId: oracleServices.id,
    oracleServicesCidrLabel: oracleServices.cidrBlock,
    queryPort: c.queryPort,
    listenerPort: lb.listenerPort,
    clientCidrs: lb.allowedCidrs,
    route53HealthCheckPort: ociHealthCheckPortOf(config.cutover),
  }, { provider: site.provider });
}

/** IAM is written in the home region. */
function tundraIdentity(site: Site, homeProvider: oci.Provider): TundraIdentity {
  const { config } = site;
  const { tenant } = config;
  return new TundraIdentity(`${tenant.id}-identity`, {
    tenancyId: tenant.tenancyId,
    compartmentId: tenant.compartmentId,
    tagging: taggingOf(config),
    tenantTag: tenantTagOf(config),
    bucketName: site.bucketName,
    region: tenant.region,
    kms: bucketKeyOf(config),
    metricsNamespace: METRICS_NAMESPACE,
    operatorGroup: config.identity.operatorGroup,
  }, { provider: homeProvider });
}

function tenantBucket(site: Site, identity: TundraIdentity): TenantBucket {
  const { config } = site;
  const { tenant } = config;
  const kms = bucketKeyOf(config);
  return new TenantBucket(`${tenant.id}-data`, {
    compartmentId: tenant.compartmentId,
    namespace: site.namespace,
    name: site.bucketName,
    tagging: taggingOf(config),
    kmsKeyId: kms?.keyId,
    // With a Vault key, Object Storage may use it only once the identity policy exists.
    createAfter: kms ? [identity] : [],
    dataProtection: config.protection.tenantData,
  }, { provider: site.provider });
}

function tundraCluster(
  site: Site,
  { network, identity, replication }: { network: TenantNetwork; identity: TundraIdentity; replication?: TenantReplication },
): TundraCluster {
  const { config } = site;
  const { tenant, cluster: c, loadBalancer: lb } = config;
  return new TundraCluster(`${tenant.id}-cluster`, {
    compartmentId: tenant.compartmentId,
    tagging: taggingOf(config),
    tenantTag: tenantTagOf(config),
    nodeCount: c.nodeCount,
    availabilityDomains: site.availabilityDomains,
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
    // The hydration agent's install, when the stack syncs data.
    userData: nodeUserData(site),
    // Instance principals must work at first boot (hydration reads the bucket from cloud-init).
    nodesCreateAfter: [identity],
    // Without replicas wanted (no tundra:dr, or replicateVolumes false), any replica a volume still
    // has is disabled: the way out of a refused resize (stacks/dr-preflight.ts).
    dataVolumeReplicas: config.dr?.replicateVolumes && replication ? replication.volumeReplicaArgs.bind(replication) : volumeWithoutReplicaArgs,
  }, { provider: site.provider });
}

/** The stack outputs of the stages that ran, each under its stage's name. */
function stageOutputs(stages: Record<string, Staged<pulumi.Resource> | undefined>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(stages).flatMap(([name, stage]) => (stage ? [[name, stage.outputs]] : [])));
}

/** The whole tenant program; returns the stack outputs. */
export async function tenantProgram(config: TenantConfig): Promise<Record<string, unknown>> {
  const { provider, homeProvider } = providers(config);
  const discovery = await discover(config, provider);
  const preflightReport = await preflight(config, discovery.availabilityDomains, provider);
  const drProblems = await drPreflight(config, provider, homeProvider);
  if (drProblems.length > 0) throw new pulumi.RunError(`DR checks failed, nothing was created:\n  ${drProblems.join("\n  ")}`);

  // Stage 3: the OCI foundation.
  const site: Site = {
    config,
    provider,
    homeProvider,
    namespace: discovery.namespace,
    bucketName: bucketNameOf(config),
    availabilityDomains: discovery.availabilityDomains,
  };
  const network = tenantNetwork(site, discovery.oracleServices);
  // The identity before the bucket: with a Vault key, the bucket waits for the key grant.
  const identity = tundraIdentity(site, homeProvider);
  const bucket = tenantBucket(site, identity);
  const replication = drReplication(site, bucket, homeProvider, taggingOf(config));
  const cluster = tundraCluster(site, { network, identity, replication });
  const f: Foundation = { ...site, network, bucket, identity, cluster, replication };

  // Stage 4: the migration, each stage after the ones before it (each runs when configured).
  const sync = syncData(f);
  const hydration = sync && hydrate(f, sync);
  const validation = validate(f, { sync, hydration });
  const cutover = cutOver(f, { sync, hydration, validation });

  const relocations = declareRelocations(config);

  return {
    tenant: config.tenant.id,
    env: config.tenant.env,
    region: config.tenant.region,
    namespace: f.namespace,
    bucketName: bucket.bucketName,
    loadBalancerAddress: cluster.loadBalancerAddress,
    nodes: cluster.nodes.map((n) => ({
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
    dynamicGroup: identity.dynamicGroupName,
    preflight: preflightReport,
    ...(replication ? { dr: replication.summary() } : {}),
    ...(relocations.length > 0 ? { relocations: relocations.map(({ name, relocation }) => ({ name, targetInstanceId: relocation.targetInstanceId, remainingSteps: relocation.remainingSteps })) } : {}),
    ...stageOutputs({ dataSync: sync, hydration, validation, cutover }),
  };
}
