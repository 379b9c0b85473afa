// The DataSync dynamic resource's test rig: s3rver (bucket "src", prefix "t1") as the source, the
// OCI Object Storage test server (bucket "tenant", prefix "data") as the destination, and the real
// dynamic-provider host with the DataSync provider serialized as `new DataSync(...)` does.
// Credentials reach the host only through its environment (AWS chain, an OCI config file).
import * as crypto from "crypto";
import * as fsp from "fs/promises";
import * as os from "os";
import * as path from "path";
import { Readable } from "stream";
import { OciStore } from "../../components/transfer/oci-store";
import { S3Store } from "../../components/transfer/s3-store";
import { makeOciTestAuth } from "./oci-signature";
import { OciObjectStorageServer } from "./oci-objectstorage-server";
import { serializeProvider, startProviderHost, type ProviderHost } from "./provider-host";
import { startS3rver, type S3rverHandle } from "./s3rver";
import { writeOciConfigFile } from "./store-helpers";

export interface DataSyncRig {
  tmp: string;
  s3: S3rverHandle;
  oci: OciObjectStorageServer;
  host: ProviderHost;
  /** The serialized DataSync provider (`__provider`). */
  provider: string;
  /** What the resource reads, and where it writes, as stores of the engine. */
  source: S3Store;
  dest: OciStore;
  /** The DataSync inputs that point at both (add generation and the rest). */
  endpoints: { source: Record<string, unknown>; destination: Record<string, unknown> };
  putSource(key: string, body: string): Promise<void>;
  close(): Promise<void>;
}

/** Starts the servers and the host; `prepare` fills the stores before the host starts. */
export async function startDataSyncRig(tmpPrefix: string, prepare: (rig: Pick<DataSyncRig, "tmp" | "source" | "dest" | "putSource">) => Promise<void> = async () => undefined): Promise<DataSyncRig> {
  const auth = makeOciTestAuth();
  const tmp = await fsp.mkdtemp(path.join(os.tmpdir(), tmpPrefix));
  const s3 = await startS3rver({ buckets: ["src"] });
  const oci = new OciObjectStorageServer({ buckets: ["tenant"], publicKeys: new Map([[auth.keyId, auth.publicKey]]) });
  await oci.start();
  const source = new S3Store({ ...s3.clientOptions, bucket: "src", prefix: "t1" });
  const dest = new OciStore({ bucket: "tenant", namespace: "testns", prefix: "data", endpoint: oci.endpoint, auth: { kind: "provider", provider: auth.provider } });
  const putSource = async (key: string, body: string): Promise<void> => {
    const data = Buffer.from(body);
    await source.put(key, Readable.from([data]), { size: data.length, md5: crypto.createHash("md5").update(data).digest("hex") });
  };
  await prepare({ tmp, source, dest, putSource });

  // An OCI CLI config file with the test identity: the provider's real config-file auth path.
  const configFile = await writeOciConfigFile(tmp, auth);
  const provider = await serializeProvider("components/datasync/provider.ts", "dataSyncProvider");
  const host = await startProviderHost({
    env: { AWS_ACCESS_KEY_ID: "S3RVER", AWS_SECRET_ACCESS_KEY: "S3RVER", OCI_CLI_CONFIG_FILE: configFile },
    config: { "tundra:oci": JSON.stringify({ auth: "ApiKey", configFileProfile: "DEFAULT" }) },
  });
  return {
    tmp, s3, oci, host, provider, source, dest, putSource,
    endpoints: {
      source: { bucket: "src", prefix: "t1", region: "us-east-1", endpoint: s3.endpoint, forcePathStyle: true },
      destination: { namespace: "testns", bucket: "tenant", prefix: "data", endpoint: oci.endpoint },
    },
    async close() {
      await host.stop();
      await s3.close();
      await oci.close();
      await fsp.rm(tmp, { recursive: true, force: true });
    },
  };
}
