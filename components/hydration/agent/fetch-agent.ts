// Boot step (run by install.sh as root before every agent start): downloads the agent bundle
// from the tenant bucket with the node's instance principal, checks its SHA-256 against the one
// pinned in the user data, and installs it atomically. A bundle that does not match is refused:
// write access to the bucket must not mean code execution on the nodes.
//   node fetch-agent.js <agent config> <object key> <sha256> <destination>
import * as crypto from "crypto";
import * as fs from "fs";
import * as fsp from "fs/promises";
import { pipeline } from "stream/promises";
import { OciStore } from "../../transfer/oci-store";
import { loadAgentConfig } from "./config";
import { ociAuthOf } from "./oci";

async function sha256Of(file: string): Promise<string | undefined> {
  const hash = crypto.createHash("sha256");
  try {
    await pipeline(fs.createReadStream(file), hash);
  } catch {
    return undefined;
  }
  return hash.digest("hex");
}

async function main(): Promise<void> {
  const [configPath, key, expected, destination] = process.argv.slice(2);
  if (!configPath || !key || !/^[0-9a-f]{64}$/.test(expected ?? "") || !destination) {
    throw new Error("usage: fetch-agent.js <agent config> <object key> <sha256> <destination>");
  }
  if ((await sha256Of(destination)) === expected) return; // already installed
  const config = await loadAgentConfig(configPath);
  const store = new OciStore({ bucket: config.bucket, namespace: config.namespace, region: config.region, endpoint: config.endpoint, auth: ociAuthOf(config) });
  const tmp = `${destination}.download`;
  const hash = crypto.createHash("sha256");
  const body = await store.get(key);
  body.on("data", (chunk: Buffer) => hash.update(chunk));
  await pipeline(body, fs.createWriteStream(tmp, { mode: 0o644 }));
  const actual = hash.digest("hex");
  if (actual !== expected) {
    await fsp.rm(tmp, { force: true });
    throw new Error(`oci://${config.namespace}/${config.bucket}/${key} has SHA-256 ${actual}, the user data pins ${expected}: refusing to install it.`);
  }
  await fsp.rename(tmp, destination);
  process.stdout.write(`installed agent ${expected.slice(0, 12)} from ${key}\n`);
}

main().catch((err) => {
  process.stderr.write(`fetch-agent: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
