// Is it safe to decommission a tenant's AWS side? Pure logic over facts gathered elsewhere, so
// every rule is tested without a cloud. Every unmet condition is reported, with its numbers.

export interface DecommissionFacts {
  /** Live Route53 weights of the tenant's pair; undefined when the records could not be read. */
  liveWeights?: { aws: number | undefined; oci: number | undefined };
  /** Why the records could not be read (shown with the traffic blocker). */
  liveWeightsError?: string;
  /** Other records at the name: weighted ones outside the pair (they take a share), or a plain one. */
  otherRecords?: { setIdentifier: string | null; weight: number | null }[];
  /** When OCI started carrying all traffic (ISO), as the OCI stack's cutover recorded it. */
  ociFullSince?: string;
  /** The OCI stack's cutover says AWS is decommissioned, so tearing OCI down never routes back to AWS. */
  ociStackAcknowledged: boolean;
  /** Objects in the AWS source that are missing or different in OCI (a final sync plan). */
  dataPending?: {
    objects: number;
    bytes: number;
    examples: string[];
    /** Objects the AWS source listed, and where: none means a wrong bucket/prefix compared nothing. */
    source?: { description: string; objects: number };
  };
  /** Why the comparison did not run or did not finish (shown with the data blocker). */
  dataError?: string;
  /** This stack's AWS source and where the OCI stack's DataSync copied from: they must be one place. */
  sources?: { aws: SourcePlace; synced: SourcePlace };
  /** The OCI stack's outputs the guard needs that it does not export (yet), or exports unusably. */
  ociStackGaps?: { stack: string; missing: string[]; invalid: { output: string; reason: string }[] };
}

/** An S3 prefix, as both stacks name it (prefixes normalized: no leading "/", a trailing "/"). */
export interface SourcePlace {
  bucket: string;
  prefix: string;
  region: string;
}

const placeOf = (p: SourcePlace) => `s3://${p.bucket}/${p.prefix} (${p.region})`;
/** The config section of the OCI stack that exports an output (dataSync.source -> tundra:dataSync). */
const sectionOf = (output: string) => `tundra:${output.split(/[.\s]/)[0]}`;

export interface DecommissionPolicy {
  /** Days OCI must have carried 100% of the traffic before AWS may go. */
  minDaysOnOci: number;
}

export interface Assessment {
  safe: boolean;
  blockers: string[];
}

const DAY_MS = 24 * 60 * 60 * 1000;

export function assessDecommission(facts: DecommissionFacts, policy: DecommissionPolicy, now: Date): Assessment {
  const blockers: string[] = [];

  const weights = facts.liveWeights;
  if (!weights) {
    const reason = facts.liveWeightsError ? ` (${facts.liveWeightsError})` : "";
    blockers.push(`traffic: the Route53 records of the tenant could not be read${reason}, so it is unknown whether AWS still serves traffic`);
  } else if ((weights.aws ?? 0) > 0) {
    blockers.push(`traffic: AWS still has Route53 weight ${weights.aws} (OCI ${weights.oci ?? "absent"}); finish the cutover to OCI 100% first`);
  } else if (!weights.oci) {
    blockers.push("traffic: no OCI record carries traffic; decommissioning AWS would leave the tenant with nothing to serve it");
  }

  for (const other of facts.otherRecords ?? []) {
    if (other.setIdentifier === null) {
      blockers.push("traffic: the name is still a plain (non-weighted) record, so traffic never moved to the weighted pair");
    } else if ((other.weight ?? 0) > 0) {
      blockers.push(`traffic: the weighted record ${JSON.stringify(other.setIdentifier)} outside the AWS/OCI pair has weight ${other.weight}; it takes a share of the traffic`);
    }
  }

  if (!facts.ociFullSince) {
    blockers.push(`bake: the OCI stack has no record of when OCI reached 100%; it must have carried all traffic for ${policy.minDaysOnOci} days`);
  } else {
    const since = Date.parse(facts.ociFullSince);
    const days = (now.getTime() - since) / DAY_MS;
    if (!Number.isFinite(since)) {
      blockers.push(`bake: ociFullSince is not a date (${facts.ociFullSince})`);
    } else if (days < policy.minDaysOnOci) {
      blockers.push(`bake: OCI has carried 100% for ${days.toFixed(1)} days since ${facts.ociFullSince}; ${policy.minDaysOnOci} are required`);
    }
  }

  if (!facts.ociStackAcknowledged) {
    blockers.push("rollback path: the OCI stack's cutover still has awsDecommissioned=false, so tearing it down would send traffic back to AWS; set tundra:cutover.awsDecommissioned=true there and run `pulumi up` first");
  }

  if (!facts.dataPending) {
    const reason = facts.dataError ? ` (${facts.dataError})` : "";
    blockers.push(`data: the final comparison of the AWS source with the OCI bucket did not run${reason}`);
  } else if (facts.dataPending.source?.objects === 0) {
    blockers.push(`data: the AWS source ${facts.dataPending.source.description} lists no objects, so the comparison proved nothing; check the source bucket and prefix`);
  } else if (facts.dataPending.objects > 0) {
    const examples = facts.dataPending.examples.slice(0, 5).join(", ");
    blockers.push(`data: ${facts.dataPending.objects} objects (${facts.dataPending.bytes} bytes) in AWS are missing or different in OCI, e.g. ${examples}; run the sync first`);
  }

  if (facts.sources) {
    const { aws, synced } = facts.sources;
    if (aws.bucket !== synced.bucket || aws.prefix !== synced.prefix || aws.region !== synced.region) {
      blockers.push(`source: the OCI stack's DataSync copied from ${placeOf(synced)}, but this stack's source is ${placeOf(aws)}, so the data comparison would check the wrong data; make them the same place`);
    }
  }

  const gaps = facts.ociStackGaps;
  if (gaps) {
    // One blocker per config section of the OCI stack, naming each output it lacks.
    const bySection = new Map<string, string[]>();
    for (const output of gaps.missing) bySection.set(sectionOf(output), [...(bySection.get(sectionOf(output)) ?? []), output]);
    for (const [section, outputs] of bySection) {
      blockers.push(`oci stack: the OCI stack ${gaps.stack} exports no ${outputs.join(", no ")} (as of this stack's last \`pulumi up\`): run \`pulumi up\` there with ${section} first`);
    }
    for (const { output, reason } of gaps.invalid) {
      blockers.push(`oci stack: the OCI stack ${gaps.stack} exports ${output} in a form the guard cannot use (${reason}); fix ${sectionOf(output)} there and run \`pulumi up\``);
    }
  }

  return { safe: blockers.length === 0, blockers };
}
