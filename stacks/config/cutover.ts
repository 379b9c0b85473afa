// `tundra:cutover` (optional): the Route53 weighted cutover of the tenant's DNS name from AWS to
// OCI. Derived from the Cutover resource's schema (components/cutover/spec.ts): the same fields
// and messages, except where config differs: the OCI side's address comes from the cluster's load
// balancer (not configured), the probe URL defaults to it, and a few defaults are the stage's.
import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import type { Cutover } from "../../components/cutover/cutover";
import { crossFieldIssues, cutoverFields, gatesFields, healthCheckFields, healthCheckPortOf, probeFields, setIdentifierField, type CutoverInputs } from "../../components/cutover/spec";
import { UNKNOWN } from "../../components/dynamic/unknown";
import type { ConfigIssue, PartialConfig } from "./index";

/** The OCI side: the load balancer is the target, so only its record's identity and health check are configured. */
const ociSection = z
  .strictObject({
    setIdentifier: setIdentifierField.optional(),
    /** A Route53 health check on the OCI load balancer (its address is filled in; needs a public LB). */
    healthCheck: healthCheckFields.omit({ ipAddress: true }).optional(),
  })
  .default({});

/** The probe: by default `<https|http>://<LB address>:<listenerPort><path>` with the tenant's Host header. */
const probeSection = probeFields.extend({ url: probeFields.shape.url.optional(), path: z.string().default("/") });

const sectionSchema = z.strictObject({
  ...cutoverFields.shape,
  recordType: cutoverFields.shape.recordType.unwrap().default("A"),
  oci: ociSection,
  /** 0 until the tenant is validated on OCI; then a step (100 finishes the cutover). */
  targetOciPercent: cutoverFields.shape.targetOciPercent.default(0),
  gates: gatesFields.extend({ probe: probeSection.optional() }).default({ probe: { path: "/" } }),
  awsDecommissioned: cutoverFields.shape.awsDecommissioned.unwrap().default(false),
});

export type CutoverSection = z.output<typeof sectionSchema>;

/** The Cutover resource's inputs for a config section, given the OCI load balancer's address and probe URL. */
/** The Cutover resource's inputs; the stage passes the load balancer's address as an Output. */
type CutoverArgs = ConstructorParameters<typeof Cutover>[1];

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

/**
 * The Cutover resource's own rules that join fields, run on the inputs this section gives it with
 * the load balancer's address still unknown, so a bad config fails before anything is declared.
 */
export const cutoverSchema = sectionSchema
  .superRefine((section, ctx) => {
    for (const issue of crossFieldIssues(cutoverInputsOf(section, UNKNOWN, UNKNOWN))) ctx.addIssue({ code: "custom", ...issue });
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
