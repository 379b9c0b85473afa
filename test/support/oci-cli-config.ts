// An OCI CLI config file (and its key file) holding a test identity, so a provider host can use
// the real config-file authentication path against the OCI Object Storage test server.
import * as fsp from "fs/promises";
import * as path from "path";
import type { makeOciTestAuth } from "./oci-signature";

/** Writes `<dir>/oci-config` and `<dir>/oci_api_key.pem`; returns the config file's path. */
export async function writeOciCliConfig(dir: string, auth: ReturnType<typeof makeOciTestAuth>, region = "us-ashburn-1"): Promise<string> {
  const keyFile = path.join(dir, "oci_api_key.pem");
  await fsp.writeFile(keyFile, auth.provider.getPrivateKey(), { mode: 0o600 });
  const configFile = path.join(dir, "oci-config");
  await fsp.writeFile(configFile, [
    "[DEFAULT]", `user=${auth.provider.getUser()}`, `fingerprint=${auth.provider.getFingerprint()}`,
    `tenancy=${auth.provider.getTenantId()}`, `region=${region}`, `key_file=${keyFile}`, "",
  ].join("\n"));
  return configFile;
}
