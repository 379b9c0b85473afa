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
  const hasher = new ManifestHasher();
  for (const e of [...entries].sort((a, b) => compareKeys(a.key, b.key))) hasher.add(e);
  return hasher.digest();
}

/** One entry's line of the digest. */
export function manifestLine(e: ManifestEntry): string {
  const identity = e.checksum ? e.checksum.toLowerCase() : `etag:${e.etag}`;
  // JSON quoting keeps keys with tabs or newlines unambiguous.
  return `${JSON.stringify(e.key)}\t${e.size}\t${identity}\n`;
}

/** The manifest digest of entries given one by one in ascending key order (a listing's or a plan's order). */
export class ManifestHasher {
  private readonly hash = crypto.createHash("sha256");
  /** Lines hashed in batches of about 64 KB: fewer calls into the native hash. */
  private lines = "";

  add(e: ManifestEntry): void {
    this.addLine(manifestLine(e));
  }

  /** Lines as manifestLine() made them, kept as UTF-8 bytes (a run that keeps lines, not entries). */
  addLines(bytes: Buffer): void {
    this.hash.update(this.lines);
    this.lines = "";
    this.hash.update(bytes);
  }

  private addLine(line: string): void {
    this.lines += line;
    if (this.lines.length >= 65536) {
      this.hash.update(this.lines);
      this.lines = "";
    }
  }

  digest(): string {
    this.hash.update(this.lines);
    this.lines = "";
    return `sha256:${this.hash.digest("hex")}`;
  }
}
