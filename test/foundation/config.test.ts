// The stack config parser: every rule has a failing case that names its key, every problem
// is reported at once, and the seed documents' config mistakes are refused.
import { describe, expect, it } from "vitest";
import { formatIssues, parseStackConfig, parseTenantConfig, rawConfigFromPulumi, type RawConfig } from "../../stacks/config";
import { isCredentialKey } from "../../stacks/config/credentials";
import { readStackConfig, stackConfigPath } from "../../scripts/plan/run";
import { AWS_REGION_SUGGESTIONS, OCI_REGIONS, lookupRegion } from "../../components/oci/regions";
import { FLEX_SHAPES } from "../../components/oci/shapes";

const prod = (): RawConfig => rawConfigFromPulumi(readStackConfig(stackConfigPath("prod")));
const staging = (): RawConfig => rawConfigFromPulumi(readStackConfig(stackConfigPath("staging")));

type Section = Record<string, unknown>;
function withSection(base: RawConfig, section: string, patch: Section): RawConfig {
  return { ...base, [section]: { ...(base[section] as Section), ...patch } };
}

/** Keys of the issues, or a failure when the config is (unexpectedly) valid. */
function issueKeys(raw: RawConfig): string[] {
  const r = parseTenantConfig(raw);
  if (r.ok) throw new Error("expected the config to be rejected");
  return r.issues.map((i) => i.key);
}

function issueFor(raw: RawConfig, key: string): string {
  const r = parseTenantConfig(raw);
  if (r.ok) throw new Error(`expected an issue for ${key}, config was accepted`);
  const hit = r.issues.find((i) => i.key === key);
  if (!hit) throw new Error(`no issue for ${key}; got:\n${formatIssues(r.issues)}`);
  return hit.message;
}

describe("sample stacks", () => {
  it("staging and prod parse, with defaults filled in", () => {
    for (const raw of [staging(), prod()]) {
      const r = parseTenantConfig(raw);
      expect(r.ok ? [] : r.issues).toEqual([]);
      if (!r.ok) continue;
      expect(r.config.cluster.queryPort).toBe(8080);
      expect(r.config.loadBalancer.visibility).toBe("private");
      expect(r.config.identity).toMatchObject({ tagNamespace: "tundra", tagKey: "tenant" });
    }
  });
});

describe("tundra:tenant", () => {
  it.each([
    ["id", "Acme_Corp", "tundra:tenant.id"],
    ["env", "production", "tundra:tenant.env"],
    ["compartmentId", "ocid1.vcn.oc1..aaaa", "tundra:tenant.compartmentId"],
    ["tenancyId", "my-tenancy", "tundra:tenant.tenancyId"],
  ])("rejects a bad %s", (field, value, key) => {
    expect(issueKeys(withSection(prod(), "tenant", { [field]: value }))).toContain(key);
  });

  it("an AWS region name is an error that suggests the OCI region", () => {
    const message = issueFor(withSection(prod(), "tenant", { region: "us-east-1" }), "tundra:tenant.region");
    expect(message).toContain("AWS region");
    expect(message).toContain("us-ashburn-1");
  });

  it("seed mistake: an unknown region is an error, never a silent us-ashburn-1", () => {
    const message = issueFor(withSection(prod(), "tenant", { region: "moon-base-1" }), "tundra:tenant.region");
    expect(message).toMatch(/unknown OCI region "moon-base-1"/);
    expect(issueFor(withSection(prod(), "tenant", { homeRegion: "us-west-9" }), "tundra:tenant.homeRegion")).toMatch(/unknown/);
    expect(lookupRegion("nowhere-1")).not.toHaveProperty("region");
  });

  it("every AWS suggestion names a region of the table (no dangling mapping)", () => {
    for (const [aws, oci] of AWS_REGION_SUGGESTIONS) {
      expect(OCI_REGIONS.has(oci), `${aws} -> ${oci}`).toBe(true);
      expect(OCI_REGIONS.has(aws), `${aws} must not also be an OCI id`).toBe(false);
    }
  });

  it("a missing required section is named", () => {
    const { tenant: _omit, ...rest } = prod();
    expect(issueFor(rest, "tundra:tenant")).toMatch(/is required/);
  });
});

describe("tundra:network", () => {
  it("rejects a malformed CIDR", () => {
    expect(issueFor(withSection(prod(), "network", { vcnCidr: "10.50.0.0/33" }), "tundra:network.vcnCidr")).toMatch(/CIDR/);
    expect(issueFor(withSection(prod(), "network", { nodeSubnetCidr: "banana" }), "tundra:network.nodeSubnetCidr")).toMatch(/CIDR/);
  });

  it("rejects host bits and names the network address", () => {
    expect(issueFor(withSection(prod(), "network", { vcnCidr: "10.50.3.0/16" }), "tundra:network.vcnCidr")).toContain("10.50.0.0/16");
  });

  it("a subnet must be inside the VCN", () => {
    expect(issueFor(withSection(prod(), "network", { lbSubnetCidr: "10.60.2.0/24" }), "tundra:network.lbSubnetCidr")).toMatch(/not inside the VCN/);
  });

  it("the subnets must not overlap", () => {
    expect(issueFor(withSection(prod(), "network", { lbSubnetCidr: "10.50.1.128/25" }), "tundra:network.lbSubnetCidr")).toMatch(/overlaps/);
  });

  it("a VCN is /16 to /30", () => {
    expect(issueFor(withSection(prod(), "network", { vcnCidr: "10.0.0.0/8", nodeSubnetCidr: "10.1.0.0/24", lbSubnetCidr: "10.2.0.0/24" }), "tundra:network.vcnCidr")).toMatch(/\/16 to \/30/);
  });
});

describe("tundra:cluster", () => {
  it("prod needs at least 3 nodes", () => {
    expect(issueFor(withSection(prod(), "cluster", { nodeCount: 2 }), "tundra:cluster.nodeCount")).toBe("must be at least 3 in prod (got 2)");
    // staging may run fewer
    expect(parseTenantConfig(withSection(staging(), "cluster", { nodeCount: 1 })).ok).toBe(true);
  });

  it("only Flex shapes are accepted", () => {
    expect(issueFor(withSection(prod(), "cluster", { shape: "VM.Standard2.4" }), "tundra:cluster.shape")).toMatch(/Flex shape/);
  });

  it("OCPUs must fit the shape", () => {
    const limits = FLEX_SHAPES["VM.Standard3.Flex"];
    const message = issueFor(withSection(prod(), "cluster", { shape: "VM.Standard3.Flex", ocpus: limits.maxOcpus + 1, memoryInGbs: 64 }), "tundra:cluster.ocpus");
    expect(message).toContain(`${limits.minOcpus}-${limits.maxOcpus}`);
  });

  it("memory must fit the shape's per-OCPU range and ceiling", () => {
    expect(issueFor(withSection(prod(), "cluster", { ocpus: 2, memoryInGbs: 256 }), "tundra:cluster.memoryInGbs")).toMatch(/2-128 GB/);
    expect(issueFor(withSection(prod(), "cluster", { shape: "VM.Standard.A1.Flex", ocpus: 16, memoryInGbs: 1000 }), "tundra:cluster.memoryInGbs")).toMatch(/16-512 GB/);
  });

  it("seed mistake: 20 VPUs/GB is Higher Performance, not Ultra High Performance", () => {
    const key = "tundra:cluster.dataVolume.vpusPerGb";
    const dataVolume = (vpusPerGb: number) => withSection(prod(), "cluster", { dataVolume: { sizeInGbs: 1000, vpusPerGb } });
    expect(issueFor(dataVolume(20), key)).toMatch(/30-120 VPUs\/GB.*20 is Higher Performance/);
    expect(issueFor(dataVolume(10), key)).toMatch(/Balanced/);
    expect(issueFor(dataVolume(35), key)).toMatch(/steps of 10/);
    expect(issueFor(dataVolume(130), key)).toMatch(/at most 120/);
    for (const ok of [30, 60, 120]) expect(parseTenantConfig(dataVolume(ok)).ok).toBe(true);
  });

  it("UHP volumes need a shape config that gets multipath attachments: at least 16 OCPUs on every Flex shape", () => {
    for (const [shape, limits] of Object.entries(FLEX_SHAPES)) {
      const message = issueFor(withSection(prod(), "cluster", { shape, ocpus: limits.minOcpusForMultipath - 1, memoryInGbs: 64 }), "tundra:cluster.ocpus");
      expect(message).toContain(`multipath-enabled attachment, which ${shape} gets only with at least 16 OCPUs (got 15)`);
      expect(parseTenantConfig(withSection(prod(), "cluster", { shape, ocpus: limits.minOcpusForMultipath, memoryInGbs: 64 })).ok).toBe(true);
    }
  });

  it("a rolling resize of a running cluster below the multipath minimum is refused the same way", () => {
    // prod runs 16 OCPUs per node; halving them would leave every UHP attachment single-path.
    expect(prod().cluster).toMatchObject({ ocpus: 16 });
    expect(issueFor(withSection(prod(), "cluster", { ocpus: 8, memoryInGbs: 128 }), "tundra:cluster.ocpus")).toMatch(/60 VPUs\/GB.*set tundra:cluster\.ocpus to 16 or more/);
  });

  it("data volume size is bounded", () => {
    expect(issueKeys(withSection(prod(), "cluster", { dataVolume: { sizeInGbs: 10, vpusPerGb: 30 } }))).toContain("tundra:cluster.dataVolume.sizeInGbs");
  });

  it("availability domains must belong to the region, exist, and not repeat", () => {
    const ads = (list: string[]) => withSection(staging(), "cluster", { availabilityDomains: list });
    expect(issueFor(ads(["Uocm:CA-TORONTO-1-AD-1", "Uocm:CA-TORONTO-1-AD-2"]), "tundra:cluster.availabilityDomains")).toMatch(/ca-toronto-1 has 1/);
    expect(issueFor(ads(["Uocm:US-ASHBURN-AD-1"]), "tundra:cluster.availabilityDomains[0]")).toMatch(/not an availability domain of ca-toronto-1/);
    expect(parseTenantConfig(withSection(prod(), "cluster", { availabilityDomains: ["Uocm:US-ASHBURN-AD-1", "abcd:US-ASHBURN-AD-3"] })).ok).toBe(true);
    expect(issueFor(withSection(prod(), "cluster", { availabilityDomains: ["Uocm:US-ASHBURN-AD-1", "Uocm:US-ASHBURN-AD-1"] }), "tundra:cluster.availabilityDomains[1]")).toMatch(/twice/);
    expect(issueFor(ads(["not an AD"]), "tundra:cluster.availabilityDomains[0]")).toMatch(/availability-domain name/);
  });

  it("numbers written as strings by `pulumi config set --path` are accepted", () => {
    const r = parseTenantConfig(withSection(prod(), "cluster", { nodeCount: "4", ocpus: "16" }));
    expect(r.ok && r.config.cluster.nodeCount).toBe(4);
  });

  it("unknown keys are named", () => {
    expect(issueKeys(withSection(prod(), "cluster", { nodes: 3 }))).toContain("tundra:cluster.nodes");
    expect(issueKeys({ ...prod(), clustr: {} })).toContain("tundra:clustr");
  });
});

describe("tundra:loadBalancer", () => {
  it("bandwidth: 10 <= min <= max <= 8000", () => {
    expect(issueFor(withSection(prod(), "loadBalancer", { minBandwidthMbps: 5 }), "tundra:loadBalancer.minBandwidthMbps")).toBe("must be at least 10 (got 5)");
    expect(issueFor(withSection(prod(), "loadBalancer", { maxBandwidthMbps: 9000 }), "tundra:loadBalancer.maxBandwidthMbps")).toBe("must be at most 8000 (got 9000)");
    expect(issueFor(withSection(prod(), "loadBalancer", { minBandwidthMbps: 500, maxBandwidthMbps: 100 }), "tundra:loadBalancer.minBandwidthMbps")).toMatch(/must not exceed maxBandwidthMbps/);
  });

  it("visibility and client CIDRs are checked", () => {
    expect(issueKeys(withSection(prod(), "loadBalancer", { visibility: "internal" }))).toContain("tundra:loadBalancer.visibility");
    expect(issueKeys(withSection(prod(), "loadBalancer", { allowedCidrs: [] }))).toContain("tundra:loadBalancer.allowedCidrs");
    expect(issueKeys(withSection(prod(), "loadBalancer", { allowedCidrs: ["10.0.0.0/8", "nope"] }))).toContain("tundra:loadBalancer.allowedCidrs[1]");
  });
});

describe("credentials never go in config (seed mistake: keys in config)", () => {
  it("rejects a private key under any section", () => {
    const pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIE...\n-----END RSA PRIVATE KEY-----";
    expect(issueFor(withSection(prod(), "oci", { privateKey: pem }), "tundra:oci.privateKey")).toMatch(/credentials never go in stack config/);
    expect(issueFor(withSection(prod(), "tags", { note: pem }), "tundra:tags.note")).toMatch(/PEM private key/);
  });

  it("rejects API-key style fields and AWS access keys", () => {
    expect(issueKeys(withSection(prod(), "oci", { fingerprint: "aa:bb" }))).toContain("tundra:oci.fingerprint");
    expect(issueFor(withSection(prod(), "tags", { owner: "AKIAABCDEFGHIJKLMNOP" }), "tundra:tags.owner")).toMatch(/AWS access key/);
  });

  it("rejects credentials under other namespaces of the stack config too", () => {
    const all = { ...readStackConfig(stackConfigPath("prod")), "oci:privateKey": "x", "aws:secretKey": "y", "aws:region": "us-east-1", "app:settings": JSON.stringify({ pem: "-----BEGIN PRIVATE KEY-----" }) };
    const r = parseStackConfig(all);
    expect(r.ok ? [] : r.issues.map((i) => i.key).sort()).toEqual(["app:settings.pem", "aws:secretKey", "oci:privateKey"]);
    expect(parseStackConfig(readStackConfig(stackConfigPath("prod"))).ok).toBe(true);
  });

  it("tells credentials from references to them", () => {
    expect(["privateKey", "password", "apiKey", "sessionToken", "fingerprint", "awsSecretAccessKey"].filter(isCredentialKey)).toHaveLength(6);
    expect(["vaultSecretId", "secretArn", "keyOcid", "passwordSecretName", "kmsKeyId"].filter(isCredentialKey)).toEqual([]);
  });

  it("rejects a URL with a user name or token in it (https://user:token@host)", () => {
    const withUrl = (awsUrl: string) => withSection(staging(), "validation", { awsUrl });
    expect(issueFor(withUrl("https://deploy:ghp_s3cr3tT0ken@acme-aws.tundra.example.com"), "tundra:validation.awsUrl")).toMatch(/URL with a user name or password/);
    expect(issueFor(withUrl("https://ghp_s3cr3tT0ken@acme-aws.tundra.example.com/v1"), "tundra:validation.awsUrl")).toMatch(/URL with a user name or password/);
    expect(parseTenantConfig(withUrl("https://acme-aws.tundra.example.com/v1?owner=ops@example.com")).ok).toBe(true);
  });

  it("never prints any part of a refused credential, in any message about it", () => {
    const pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAzq9Rs3cr3tK3yMat3rial\nQWxlcnRTaGFyZWRLZXlNYXRlcmlhbA==\n-----END RSA PRIVATE KEY-----";
    let raw = withSection(prod(), "tenant", { id: pem });
    raw = withSection(raw, "oci", { privateKey: pem });
    raw = withSection(raw, "tags", { note: pem });
    raw = withSection(raw, "validation", { awsUrl: "https://deploy:Tok3nValue99@acme-aws.example.com", queries: [{ name: "q", path: "/" }] });
    const r = parseTenantConfig(raw);
    if (r.ok) throw new Error("expected the credentials to be refused");
    const text = formatIssues(r.issues);
    expect(text).toContain("tundra:tenant.id");
    for (const part of [...pem.split("\n"), JSON.stringify(pem).slice(1, -1), "Tok3nValue99"]) expect(text).not.toContain(part);
    const foreign = parseStackConfig({ ...readStackConfig(stackConfigPath("prod")), "oci:privateKey": pem, "app:settings": JSON.stringify({ pem }) });
    expect(foreign.ok).toBe(false);
    const foreignText = foreign.ok ? "" : formatIssues(foreign.issues);
    for (const part of pem.split("\n")) expect(foreignText).not.toContain(part);
  });

  it("never prints a value set with --secret in the report of an invalid config", () => {
    const all = { ...readStackConfig(stackConfigPath("prod")) };
    all["tundra:tenant"] = JSON.stringify({ ...JSON.parse(all["tundra:tenant"]), id: "Acme_Secret_Name!" });
    const plain = parseStackConfig(all);
    expect(plain.ok ? "" : formatIssues(plain.issues)).toContain("Acme_Secret_Name!");
    const secret = parseStackConfig(all, new Set(["tundra:tenant"]));
    const text = secret.ok ? "" : formatIssues(secret.issues);
    expect(text).toContain("tundra:tenant.id");
    expect(text).not.toContain("Acme_Secret_Name");
  });

  it("accepts the auth method and profile name (not secrets)", () => {
    expect(parseTenantConfig(withSection(prod(), "oci", { auth: "SecurityToken", configFileProfile: "acme-admin" })).ok).toBe(true);
    expect(issueKeys(withSection(prod(), "oci", { auth: "Password" }))).toContain("tundra:oci.auth");
  });
});

describe("every problem at once", () => {
  it("reports problems of several sections and cross-key rules in one go", () => {
    let raw = withSection(prod(), "tenant", { region: "eu-west-1" });
    raw = withSection(raw, "cluster", { nodeCount: 1, dataVolume: { sizeInGbs: 1000, vpusPerGb: 20 }, extra: true });
    raw = withSection(raw, "loadBalancer", { minBandwidthMbps: 2000, maxBandwidthMbps: 100 });
    raw = withSection(raw, "network", { lbSubnetCidr: "10.50.1.0/24" });
    expect(issueKeys(raw).sort()).toEqual([
      "tundra:cluster.dataVolume.vpusPerGb",
      "tundra:cluster.extra",
      "tundra:cluster.nodeCount",
      "tundra:loadBalancer.minBandwidthMbps",
      "tundra:network.lbSubnetCidr",
      "tundra:tenant.region",
    ]);
  });

  it("formats one line per problem with the full key", () => {
    const r = parseTenantConfig(withSection(prod(), "cluster", { nodeCount: 2 }));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(formatIssues(r.issues)).toBe("Invalid stack config (1 problem):\n  tundra:cluster.nodeCount: must be at least 3 in prod (got 2)");
  });
});

describe("one mistake, one message that says the fix", () => {
  function issuesOf(raw: RawConfig) {
    const r = parseTenantConfig(raw);
    if (r.ok) throw new Error("expected the config to be rejected");
    return r.issues;
  }

  it("an unknown key names the nearest known key, and that key is not also reported missing", () => {
    const { nodeCount, ...cluster } = prod().cluster as Section;
    const issues = issuesOf({ ...prod(), cluster: { ...cluster, nodeCout: nodeCount } });
    expect(issues).toEqual([{ key: "tundra:cluster.nodeCout", message: "unknown key: did you mean tundra:cluster.nodeCount?" }]);
  });

  it("an unknown section names the nearest section, which is then not reported missing", () => {
    const { cluster, ...rest } = prod();
    expect(issuesOf({ ...rest, clustr: cluster })).toEqual([{ key: "tundra:clustr", message: "unknown config key: did you mean tundra:cluster?" }]);
  });

  it("a key far from every known one gets no guess", () => {
    expect(issueFor(withSection(prod(), "cluster", { colour: "blue" }), "tundra:cluster.colour")).toMatch(/^unknown key \(see docs/);
  });

  it.each([["US-Ashburn-1", "is not in lower case"], [" us-ashburn-1", "has spaces"], ["us ashburn 1", "has spaces"]])(
    "a region written %j says which identifier to use",
    (region, how) => {
      expect(issueFor(withSection(prod(), "tenant", { region }), "tundra:tenant.region")).toBe(`${JSON.stringify(region)} ${how}: use us-ashburn-1`);
    },
  );

  it("vpusPerGb out of range gets one message", () => {
    const cluster = prod().cluster as Section;
    const issues = issuesOf(withSection(prod(), "cluster", { dataVolume: { ...(cluster.dataVolume as Section), vpusPerGb: 121 } }));
    expect(issues).toEqual([{ key: "tundra:cluster.dataVolume.vpusPerGb", message: "must be at most 120 (got 121)" }]);
  });

  it.each([0, "0", 1])("nodeCount %j in prod gives the prod minimum at once", (nodeCount) => {
    const issues = issuesOf(withSection(prod(), "cluster", { nodeCount }));
    expect(issues).toEqual([{ key: "tundra:cluster.nodeCount", message: "must be at least 3 in prod (got " + Number(nodeCount) + ")" }]);
  });

  it("nodeCount 0 in staging gives the field's own minimum", () => {
    expect(issueFor(withSection(staging(), "cluster", { nodeCount: 0 }), "tundra:cluster.nodeCount")).toBe("must be at least 1 (got 0)");
  });
});

describe("a stack name without a config file", () => {
  it("lists the stacks that exist", () => {
    expect(() => readStackConfig(stackConfigPath("foo"))).toThrow(/^no Pulumi\.foo\.yaml in .*; stacks here: .*prod, .*staging/);
  });
});

describe("provider keys the program overrides", () => {
  it("oci:region, oci:auth and oci:configFileProfile are refused, naming the tundra: key that wins", () => {
    const r = parseStackConfig({ ...readStackConfig(stackConfigPath("prod")), "oci:region": "us-phoenix-1", "oci:auth": "SecurityToken", "oci:configFileProfile": "OTHER" });
    if (r.ok) throw new Error("expected the overridden provider keys to be refused");
    expect(r.issues.map((i) => i.key)).toEqual(["oci:region", "oci:auth", "oci:configFileProfile"]);
    expect(r.issues[0].message).toMatch(/^is not read: this stack's oci providers are explicit and take tundra:tenant\.region .*remove oci:region/);
    expect(r.issues[1].message).toContain("tundra:oci.auth");
    expect(r.issues[2].message).toContain("tundra:oci.configFileProfile");
    // A key of the default AWS provider (the bulk copy may use it) stays allowed in a tenant stack.
    expect(parseStackConfig({ ...readStackConfig(stackConfigPath("prod")), "aws:region": "us-east-1" }).ok).toBe(true);
  });
});
