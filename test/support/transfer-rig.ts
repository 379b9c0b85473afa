// The servers and data the transfer tests share: a temporary directory with a corpus, s3rver,
// and the OCI Object Storage test server trusting one test identity. close() stops both servers
// and removes the directory.
import * as fsp from "fs/promises";
import * as os from "os";
import * as path from "path";
import { OciStore, type OciStoreOptions } from "../../components/transfer/oci-store";
import { writeCorpus, type CorpusSpec } from "./corpus";
import { makeOciTestAuth, type OciTestAuth } from "./oci-signature";
import { OciObjectStorageServer } from "./oci-objectstorage-server";
import { startS3rver, type S3rverHandle, type S3rverOptions } from "./s3rver";

export interface TransferRig {
  /** The identity the OCI server trusts (sign with `auth.provider`). */
  auth: OciTestAuth;
  tmp: string;
  /** key -> hex MD5 of each corpus file, written under `<tmp>/corpus`. */
  corpus: Map<string, string>;
  s3: S3rverHandle;
  oci: OciObjectStorageServer;
  /** An OciStore on the test server, signing as `auth`. */
  ociStore(options: Omit<OciStoreOptions, "endpoint" | "auth">): OciStore;
  close(): Promise<void>;
}

export async function startTransferRig(options: {
  /** Prefix of the temporary directory's name. */
  name: string;
  corpus: CorpusSpec;
  s3: S3rverOptions;
  ociBuckets?: string[];
  auth?: OciTestAuth;
}): Promise<TransferRig> {
  const auth = options.auth ?? makeOciTestAuth();
  const tmp = await fsp.mkdtemp(path.join(os.tmpdir(), `${options.name}-`));
  let s3: S3rverHandle | undefined;
  let oci: OciObjectStorageServer | undefined;
  const close = async () => {
    await s3?.close();
    await oci?.close();
    await fsp.rm(tmp, { recursive: true, force: true });
  };
  try {
    const corpus = await writeCorpus(path.join(tmp, "corpus"), options.corpus);
    s3 = await startS3rver(options.s3);
    oci = new OciObjectStorageServer({ buckets: options.ociBuckets, publicKeys: new Map([[auth.keyId, auth.publicKey]]) });
    await oci.start();
    const server = oci;
    const ociStore = (store: Omit<OciStoreOptions, "endpoint" | "auth">) => new OciStore({ ...store, endpoint: server.endpoint, auth: { kind: "provider", provider: auth.provider } });
    return { auth, tmp, corpus, s3, oci, ociStore, close };
  } catch (err) {
    await close();
    throw err;
  }
}
