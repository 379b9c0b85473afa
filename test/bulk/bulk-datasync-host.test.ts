// DataSync with bulk on, serialized as `new DataSync(...)` does and run in the real dynamic-provider
// host against s3rver (source) and the OCI test server (destination): after the bulk copy, each run
// is the final delta, and no manifest digest is output while the engine's plan afterwards still
// has objects to copy (here: the tenant writes an object while the delta is being copied).
import * as crypto from "crypto";
import * as fsp from "fs/promises";
import * as os from "os";
import * as path from "path";
import { Readable } from "stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { manifestDigest, sync } from "../../components/transfer";
import { OciStore } from "../../components/transfer/oci-store";
import { S3Store } from "../../components/transfer/s3-store";
import { makeOciTestAuth } from "../support/oci-signature";
import { OciObjectStorageServer } from "../support/oci-objectstorage-server";
import { partialState, ProviderCallError, serializeProvider, startProviderHost, up, type ProviderHost } from "../support/provider-host";
import { listAll, writeOciConfigFile } from "../support/store-helpers";
import { startS3rver, type S3rverHandle } from "../support/s3rver";

describe("DataSync with bulk on, through the provider host", () => {
  const auth = makeOciTestAuth();
  let tmp: string;
  let s3: S3rverHandle;
  let oci: OciObjectStorageServer;
  let host: ProviderHost;
  let provider: string;
  let source: S3Store;
  let dest: OciStore;
  let inputs: Record<string, unknown>;

  async function putSource(key: string, body: string): Promise<void> {
    const data = Buffer.from(body);
    await source.put(key, Readable.from([data]), { size: data.length, md5: crypto.createHash("md5").update(data).digest("hex") });
  }

  beforeAll(async () => {
    tmp = await fsp.mkdtemp(path.join(os.tmpdir(), "bulk-datasync-"));
    s3 = await startS3rver({ buckets: ["src"] });
    oci = new OciObjectStorageServer({ buckets: ["tenant"], publicKeys: new Map([[auth.keyId, auth.publicKey]]) });
    await oci.start();
    source = new S3Store({ ...s3.clientOptions, bucket: "src", prefix: "t1" });
    dest = new OciStore({ bucket: "tenant", namespace: "testns", prefix: "data", endpoint: oci.endpoint, auth: { kind: "provider", provider: auth.provider } });
    for (let i = 0; i < 10; i++) await putSource(`part-${i}.parquet`, `rows of part ${i}`);
    // The bulk copy (AWS DataSync in production) has already copied everything there was.
    await sync(source, dest);

    const configFile = await writeOciConfigFile(tmp, auth);
    provider = await serializeProvider("components/datasync/provider.ts", "dataSyncProvider");
    host = await startProviderHost({
      env: { AWS_ACCESS_KEY_ID: "S3RVER", AWS_SECRET_ACCESS_KEY: "S3RVER", OCI_CLI_CONFIG_FILE: configFile },
      config: { "tundra:oci": JSON.stringify({ auth: "ApiKey", configFileProfile: "DEFAULT" }) },
    });
    inputs = {
      source: { bucket: "src", prefix: "t1", region: "us-east-1", endpoint: s3.endpoint, forcePathStyle: true },
      destination: { namespace: "testns", bucket: "tenant", prefix: "data", endpoint: oci.endpoint },
      generation: "2026-12-01",
      bulk: true,
    };
  }, 120_000);
  afterAll(async () => {
    await host?.stop();
    await s3?.close();
    await oci?.close();
    await fsp.rm(tmp, { recursive: true, force: true });
  });

  it("previews the copy time: with bulk on, as the final delta's upper bound; without, against the window", async () => {
    await putSource("delta/new.parquet", "written after the bulk copy listed the source");
    const bulk = await up(host, provider, undefined, inputs, { preview: true });
    expect(bulk.checked.pendingWork).toMatch(/^copy 1 objects \(\d+ B\); skip 10 already in place \(\d+ B\); about 1 min on one runner at 206\.5 MB\/s at most: the bulk copy \(AWS DataSync\) runs first and this run syncs the final delta, then verifies$/);
    const single = await up(host, provider, undefined, { ...inputs, bulk: false, copyWindowHours: 2 }, { preview: true });
    expect(single.checked.pendingWork).toMatch(/; about 1 min on one runner at 206\.5 MB\/s \(within the 2 h window\)$/);
  });

  it("refuses to output a digest while the plan after the delta still has objects to copy; the next up finishes and outputs it", async () => {
    // The tenant writes one more object while the delta is being copied: the plan after the delta
    // finds it missing. The destination holds the first PUT long enough for that write to land.
    let arrived: Promise<void> | undefined;
    oci.faults.configure({
      slow: 1,
      slowMs: 1500,
      applies: (req) => {
        if (arrived || req.method !== "PUT") return false;
        arrived = putSource("zz-arrived/during-run.parquet", "written during the final delta");
        return true;
      },
    });
    const failed = await up(host, provider, undefined, inputs).catch((e: unknown) => e);
    oci.faults.configure({});
    await arrived;
    expect(failed).toBeInstanceOf(ProviderCallError);
    expect((failed as Error).message).toMatch(/1 object\(s\) still differ .*zz-arrived\/during-run\.parquet \(missing\); no manifest digest is output/);
    const partial = partialState(failed as ProviderCallError, inputs);
    expect(partial.outputs).toMatchObject({ complete: false, manifestDigest: "", copiedObjects: 1, bulk: true });

    const finished = await up(host, provider, partial, inputs);
    expect(finished.op).toBe("update");
    expect(finished.state!.outputs).toMatchObject({ complete: true, copiedObjects: 1, skippedObjects: 11, objectCount: 12, lastError: "" });
    expect(finished.state!.outputs.manifestDigest).toBe(manifestDigest(await listAll(dest)));
  }, 60_000);
});
