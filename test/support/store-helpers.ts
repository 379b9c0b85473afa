// Helpers shared by the transfer tests and the benchmark.
import * as crypto from "crypto";
import * as fsp from "fs/promises";
import * as path from "path";
import type { ObjectInfo, ObjectStore } from "../../components/transfer";
import type { OciTestAuth } from "./oci-signature";

export async function listAll(store: ObjectStore): Promise<ObjectInfo[]> {
  const out: ObjectInfo[] = [];
  for await (const info of store.list()) out.push(info);
  return out;
}

/** key -> hex MD5 of every object, read back through the store. */
export async function hashAll(store: ObjectStore): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for await (const info of store.list()) {
    const hash = crypto.createHash("md5");
    for await (const chunk of await store.get(info.key)) hash.update(chunk as Buffer);
    out.set(info.key, hash.digest("hex"));
  }
  return out;
}

/** An OCI CLI config file (profile DEFAULT) for a test identity; returns its path. */
export async function writeOciConfigFile(dir: string, auth: OciTestAuth): Promise<string> {
  const keyFile = path.join(dir, "oci_api_key.pem");
  await fsp.writeFile(keyFile, auth.provider.getPrivateKey(), { mode: 0o600 });
  const configFile = path.join(dir, "oci-config");
  await fsp.writeFile(configFile, [
    "[DEFAULT]", `user=${auth.provider.getUser()}`, `fingerprint=${auth.provider.getFingerprint()}`,
    `tenancy=${auth.provider.getTenantId()}`, "region=us-ashburn-1", `key_file=${keyFile}`, "",
  ].join("\n"));
  return configFile;
}
