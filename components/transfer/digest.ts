// The manifest digest: one hash over the sorted (key, size, content checksum) of every object
// under a store's root. DataSync outputs it as the data generation; hydration recomputes it from
// a listing of the same bucket and prefix and gets the same value for the same bytes.
import * as crypto from "crypto";
import { compareKeys } from "./store";

export interface ManifestEntry {
  key: string;
  size: number;
  /** Content checksum (see ObjectInfo.checksum); the entity tag stands in when there is none. */
  checksum?: string;
  etag: string;
}

export function manifestDigest(entries: Iterable<ManifestEntry>): string {
  const sorted = [...entries].sort((a, b) => compareKeys(a.key, b.key));
  const hash = crypto.createHash("sha256");
  for (const e of sorted) {
    const identity = e.checksum ? e.checksum.toLowerCase() : `etag:${e.etag}`;
    // JSON quoting keeps keys with tabs or newlines unambiguous.
    hash.update(`${JSON.stringify(e.key)}\t${e.size}\t${identity}\n`);
  }
  return `sha256:${hash.digest("hex")}`;
}
