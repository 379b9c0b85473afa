// Boot step (run by prepare.sh as root before every agent start): downloads the agent bundle
// from the tenant bucket, checks its SHA-256 against the one pinned in the user data, and installs
// it atomically. A bundle that does not match is refused: write access to the bucket must not mean
// code execution on the nodes. Node built-ins only (it travels in the user data; boot-auth.ts).
//   node fetch-agent.js <agent config> <object key> <sha256> <destination>
import * as crypto from "crypto";
import * as fs from "fs";
import * as fsp from "fs/promises";
import { apiKey, instancePrincipal, request, sign, type BootConfig } from "./boot-auth";

async function sha256Of(file: string): Promise<string | undefined> {
  try {
    return crypto.createHash("sha256").update(await fsp.readFile(file)).digest("hex");
  } catch {
    return undefined;
  }
}

async function main(): Promise<void> {
  const [configPath, key, expected, destination] = process.argv.slice(2);
  if (!configPath || !key || !/^[0-9a-f]{64}$/.test(expected ?? "") || !destination) {
    throw new Error("usage: fetch-agent.js <agent config> <object key> <sha256> <destination>");
  }
  if ((await sha256Of(destination)) === expected) return; // already installed
  // The agent's own parser validated this config at render time; only these fields matter here.
  const config = JSON.parse(await fsp.readFile(configPath, "utf8")) as BootConfig;
  const signing = config.auth === undefined || config.auth === "instance_principal"
    ? await instancePrincipal(config.region)
    : await apiKey(config.auth.configFile, config.auth.profile);
  const endpoint = (config.endpoint ?? `https://objectstorage.${config.region}.oraclecloud.com`).replace(/\/$/, "");
  const url = `${endpoint}/n/${encodeURIComponent(config.namespace)}/b/${encodeURIComponent(config.bucket)}/o/${encodeURIComponent(key)}`;
  const headers: Record<string, string> = { date: new Date().toUTCString(), accept: "*/*" };
  headers["x-date"] = headers.date;
  sign(signing, "GET", url, headers, ["x-date", "(request-target)", "host"]);
  const res = await request(url, { headers });
  const where = `oci://${config.namespace}/${config.bucket}/${key}`;
  if (res.status !== 200) throw new Error(`${where}: HTTP ${res.status} ${res.body.toString("utf8").slice(0, 300)}`);
  const actual = crypto.createHash("sha256").update(res.body).digest("hex");
  if (actual !== expected) throw new Error(`${where} has SHA-256 ${actual}, the user data pins ${expected}: refusing to install it.`);
  const tmp = `${destination}.download`;
  await fsp.writeFile(tmp, res.body, { mode: 0o644 });
  const fd = fs.openSync(tmp, "r");
  fs.fsyncSync(fd);
  fs.closeSync(fd);
  await fsp.rename(tmp, destination);
  process.stdout.write(`installed agent ${expected.slice(0, 12)} from ${key}\n`);
}

main().catch((err) => {
  process.stderr.write(`fetch-agent: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
