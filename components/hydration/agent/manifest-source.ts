// A read-only store that lists exactly the objects of one generation (from its manifest) and
// reads their bytes from the bucket. The transfer engine copies from it like from any store, so
// the agent has no copy loop of its own: objects added to the prefix after the manifest was
// written are not loaded, and an object rewritten since fails its If-Match / MD5 check loudly.
import type { Readable } from "stream";
import type { Manifest } from "../control";
import type { ByteRange, MultipartApi, ObjectHead, ObjectInfo, ObjectStore } from "../../transfer/store";

function readOnly(what: string): never {
  throw new Error(`The generation manifest source is read-only (${what}).`);
}

export class ManifestSource implements ObjectStore {
  readonly description: string;
  readonly multipart: MultipartApi = {
    minPartSize: 1,
    maxPartSize: Number.MAX_SAFE_INTEGER,
    maxParts: 10_000,
    create: () => readOnly("multipart create"),
    uploadPart: () => readOnly("multipart upload"),
    complete: () => readOnly("multipart complete"),
    abort: () => readOnly("multipart abort"),
    listOpen: async function* () {
      // nothing is ever uploaded here
    },
  };

  constructor(private readonly bucket: ObjectStore, private readonly manifest: Manifest) {
    this.description = `${bucket.description} (generation ${manifest.generation})`;
  }

  async *list(): AsyncIterable<ObjectInfo> {
    for (const e of this.manifest.entries) yield { key: e.key, size: e.size, md5: e.md5, checksum: e.checksum, etag: e.etag };
  }

  head(key: string): Promise<ObjectHead | undefined> {
    return this.bucket.head(key);
  }

  partSizeOf(key: string): Promise<number | undefined> {
    return this.bucket.partSizeOf?.(key) ?? Promise.resolve(undefined);
  }

  get(key: string, range?: ByteRange, opts?: { ifMatch?: string }): Promise<Readable> {
    return this.bucket.get(key, range, opts);
  }

  put(): never {
    return readOnly("put");
  }

  delete(): never {
    return readOnly("delete");
  }
}
