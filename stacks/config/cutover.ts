// `tundra:cutover` (optional): the Route53 weighted cutover of the tenant's DNS name from AWS to
// OCI. The OCI side's address comes from the cluster's load balancer, so it is not configured.
// Shapes are checked here; the rules (steps ascending, target among the steps, gates present...)
// are the Cutover resource's own (components/cutover/spec.ts), run here with the load balancer
// address as a placeholder so a bad config fails before anything is declared.
import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import type { Cutover } from "../../components/cutover/cutover";
import { healthCheckPortOf, UNKNOWN, validateInputs, type CutoverInputs } from "../../components/cutover/spec";
import type { ConfigIssue, PartialConfig } from "./index";

const duration = z.union([z.string(), z.number()]);
const healthCheck = z.strictObject({
  type: z.enum(["HTTP", "HTTPS", "TCP"]).optional(),
  port: z.number().optional(),
  path: z.string().optional(),
  fqdn: z.string().optional(),
  intervalSeconds: z.union([z.literal(10), z.literal(30)]).optional(),
  failureThreshold: z.number().optional(),
});

const sectionSchema = z.strictObject({
  /** Route53 hosted zone id, e.g. Z0123456789ABCDEFGHIJ. */
  zoneId: z.string(),
  /** The tenant's DNS name, e.g. tenant42.example.com. */
  recordName: z.string(),
  recordType: z.enum(["A", "AAAA", "CNAME"]).default("A"),
  ttl: z.number().optional(),
  /** What the name serves today on AWS: addresses/host name, or an alias target (e.g. an ALB). */
  aws: z.strictObject({
    setIdentifier: z.string().optional(),
    values: z.array(z.string()).optional(),
    alias: z.strictObject({ hostedZoneId: z.string(), dnsName: z.string(), evaluateTargetHealth: z.boolean().optional() }).optional(),
    healthCheck: healthCheck.extend({ ipAddress: z.string().optional() }).optional(),
  }),
  oci: z
    .strictObject({
      setIdentifier: z.string().optional(),
      /** A Route53 health check on the OCI load balancer (its address is filled in; needs a public LB). */
      healthCheck: healthCheck.optional(),
    })
    .default({}),
  /** 0 until the tenant is validated on OCI; then a step (100 finishes the cutover). */
  targetOciPercent: z.number().default(0),
  steps: z.array(z.number()).optional(),
  bake: duration.optional(),
  gates: z
    .strictObject({
      healthCheck: z.boolean().optional(),
      /** HTTP probe of the OCI load balancer; by default `<https|http>://<LB address>:<listenerPort><path>` with the tenant's Host header. */
      probe: z
        .strictObject({
          url: z.string().optional(),
          path: z.string().default("/"),
          hostHeader: z.string().optional(),
          samples: z.number().optional(),
          concurrency: z.number().optional(),
          timeout: duration.optional(),
          maxP95Ms: z.number().optional(),
          maxErrorPercent: z.number().optional(),
        })
        .optional(),
      interval: duration.optional(),
      failureLimit: z.number().optional(),
    })
    .default({ probe: { path: "/" } }),
  rollback: z.enum(["last-good", "aws"]).optional(),
  awsDecommissioned: z.boolean().default(false),
});

export type CutoverSection = z.output<typeof sectionSchema>;

/** The Cutover resource's arguments: its inputs, each possibly an output of another resource. */
type CutoverArgs = ConstructorParameters<typeof Cutover>[1];

/**
 * The Cutover resource's inputs for a config section, given the OCI load balancer's address and
 * probe URL: known (placeholders, to check the config), or the cluster's outputs (the stage).
 */
export function cutoverInputsOf(section: CutoverSection, ociAddress: string, probeUrl: string): CutoverInputs;
export function cutoverInputsOf(section: CutoverSection, ociAddress: pulumi.Input<string>, probeUrl: pulumi.Input<string>): CutoverArgs;
export function cutoverInputsOf(section: CutoverSection, ociAddress: pulumi.Input<string>, probeUrl: pulumi.Input<string>): CutoverArgs {
  const { probe, ...gates } = section.gates;
  return {
    zoneId: section.zoneId,
    recordName: section.recordName,
    recordType: section.recordType,
    ...(section.ttl !== undefined ? { ttl: section.ttl } : {}),
    aws: section.aws,
    oci: {
      ...(section.oci.setIdentifier ? { setIdentifier: section.oci.setIdentifier } : {}),
      values: [ociAddress],
      ...(section.oci.healthCheck ? { healthCheck: { ...section.oci.healthCheck, ipAddress: ociAddress } } : {}),
    },
    targetOciPercent: section.targetOciPercent,
    ...(section.steps ? { steps: section.steps } : {}),
    ...(section.bake !== undefined ? { bake: section.bake } : {}),
    gates: {
      ...gates,
      ...(probe
        ? {
            probe: {
              url: probe.url ?? probeUrl,
              hostHeader: probe.hostHeader ?? section.recordName,
              ...(probe.samples !== undefined ? { samples: probe.samples } : {}),
              ...(probe.concurrency !== undefined ? { concurrency: probe.concurrency } : {}),
              ...(probe.timeout !== undefined ? { timeout: probe.timeout } : {}),
              ...(probe.maxP95Ms !== undefined ? { maxP95Ms: probe.maxP95Ms } : {}),
              ...(probe.maxErrorPercent !== undefined ? { maxErrorPercent: probe.maxErrorPercent } : {}),
            },
          }
        : {}),
    },
    ...(section.rollback ? { rollback: section.rollback } : {}),
    awsDecommissioned: section.awsDecommissioned,
  };
}

/** Maps a resource property ("steps[1]", "gates.probe.url") to a config path. */
function pathOf(property: string): (string | number)[] {
  return property
    .split(/\.|\[|\]/)
    .filter(Boolean)
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

export const cutoverSchema = sectionSchema
  .superRefine((section, ctx) => {
    const { failures } = validateInputs(cutoverInputsOf(section, UNKNOWN, UNKNOWN));
    for (const f of failures) ctx.addIssue({ code: "custom", path: pathOf(f.property), message: f.reason });
  })
  .optional();

/**
 * Route53 health checkers call from the internet (AWS's ROUTE53_HEALTHCHECKS ranges) and Route53
 * refuses private and non-routable addresses (API reference, HealthCheckConfig.IPAddress): the
 * OCI health check, which targets the load balancer's address, needs a public load balancer.
 */
export function cutoverHealthCheckRule({ cutover, loadBalancer }: PartialConfig): ConfigIssue[] {
  const check = cutover?.oci?.healthCheck;
  if (!check) return [];
  if (loadBalancer?.visibility === "private") {
    return [
      {
        key: "tundra:cutover.oci.healthCheck",
        message:
          "targets the load balancer, which is private (tundra:loadBalancer.visibility): Route53 cannot health-check a private " +
          "address and its checkers come from the internet. Set tundra:loadBalancer.visibility to public (the network then admits " +
          "Route53's checker ranges on the health-check port), or remove oci.healthCheck and gate on gates.probe from a runner inside the VCN",
      },
    ];
  }
  // The load balancer listens on one port, a TCP pass-through to the nodes' TLS (docs/foundation.md):
  // a Route53 check elsewhere finds nothing listening, and a plain-HTTP one speaks HTTP to TLS.
  // An HTTPS check needs TLS 1.0-1.2 on the endpoint (Route53 API reference, HealthCheckConfig.Type),
  // and a certificate without the checked name only makes the checker retry without SNI
  // (HealthCheckConfig.EnableSNI): the nodes' own certificate serves.
  const issues: ConfigIssue[] = [];
  const listenerPort = loadBalancer?.listenerPort;
  const port = healthCheckPortOf(check);
  if (listenerPort !== undefined && port !== listenerPort) {
    issues.push({
      key: "tundra:cutover.oci.healthCheck.port",
      message: `is ${port}${check.port === undefined ? ` (the default for ${check.type ?? "HTTPS"})` : ""}, but the load balancer listens only on tundra:loadBalancer.listenerPort ${listenerPort}: set oci.healthCheck.port to ${listenerPort}`,
    });
  }
  if (check.type === "HTTP") {
    issues.push({
      key: "tundra:cutover.oci.healthCheck.type",
      message: "is HTTP, but the load balancer passes TCP through to the nodes' TLS port: plain HTTP never gets an answer. Use HTTPS (with path) or TCP",
    });
  }
  return issues;
}

export function ociHealthCheckPortOf(section: CutoverSection | undefined): number | undefined {
  return section?.oci.healthCheck ? healthCheckPortOf(section.oci.healthCheck) : undefined;
}
