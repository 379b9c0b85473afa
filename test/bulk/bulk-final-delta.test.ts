// After the bulk copy, our engine syncs the final delta and its plan must show nothing left to
// copy before a manifest digest is output.
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { describe, expect, it } from "vitest";
import { BulkVerificationError, finalDeltaAndVerify } from "../../components/bulk/final-delta";
import { LocalDirectoryStore, type ObjectInfo } from "../../components/transfer";
import { useTempDir } from "../support/temp-dir";

function write(dir: string, files: Record<string, string>) {
  for (const [key, body] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, key)), { recursive: true });
    fs.writeFileSync(path.join(dir, key), body);
  }
}

/** A source that lists each object's MD5, as S3 does in single-part ETags. */
class Md5ListingStore extends LocalDirectoryStore {
  override async *list(): AsyncIterable<ObjectInfo> {
    for await (const o of super.list()) {
      const md5 = crypto.createHash("md5").update(fs.readFileSync(path.join(this.root, o.key))).digest("hex");
      yield { ...o, md5, checksum: md5 };
    }
  }
}

/** A destination whose listing never shows one key: what it stores cannot be verified. */
class LosingStore extends LocalDirectoryStore {
  constructor(root: string, private readonly lost: string) {
    super(root);
  }
  override async *list(): AsyncIterable<ObjectInfo> {
    for await (const o of super.list()) if (o.key !== this.lost) yield o;
  }
}

describe("final delta after the bulk copy", () => {
  const tmp = useTempDir("bulk-final-delta");

  it("copies only what changed since the bulk copy, then finds nothing left and outputs the digest", async () => {
    const src = path.join(tmp(), "src");
    const dst = path.join(tmp(), "dst");
    write(src, { "a/1.parquet": "one", "a/2.parquet": "two", "b/3.parquet": "three" });
    // The bulk copy (DataSync) wrote every object as it was then.
    fs.cpSync(src, dst, { recursive: true });
    // Meanwhile the tenant wrote one new object and rewrote another.
    write(src, { "c/4.parquet": "four", "a/2.parquet": "two, rewritten" });
    // Objects DataSync wrote carry none of our engine's recorded source identity: the plan proves
    // them by hashing the destination against the source's listed MD5.
    const result = await finalDeltaAndVerify(new Md5ListingStore(src), new LocalDirectoryStore(dst));
    expect(result.delta.copiedObjects).toBe(2);
    expect(result.delta.skippedObjects).toBe(2);
    expect(result.verified).toMatchObject({ copyObjects: 0, skipObjects: 4 });
    expect(result.manifestDigest).toMatch(/^[0-9a-f]{64}$|^sha256:/);
    expect(fs.readFileSync(path.join(dst, "a/2.parquet"), "utf8")).toBe("two, rewritten");
  });

  it("refuses to output a digest while the plan still has something to copy", async () => {
    const src = path.join(tmp(), "src2");
    const dst = path.join(tmp(), "dst2");
    write(src, { "x.bin": "x", "lost.bin": "gone" });
    const error = await finalDeltaAndVerify(new LocalDirectoryStore(src), new LosingStore(dst, "lost.bin")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BulkVerificationError);
    expect((error as Error).message).toMatch(/1 object\(s\) still differ .*lost\.bin \(missing\); no manifest digest is output/);
    expect((error as BulkVerificationError).remaining.copyObjects).toBe(1);
  });
});
