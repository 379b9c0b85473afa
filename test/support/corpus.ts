// A test corpus: awkward keys, empty objects, many small objects and multipart-sized ones,
// written to a local directory with the MD5 of every object, for byte-identity checks.
import * as crypto from "crypto";
import * as fsp from "fs/promises";
import * as path from "path";

export const AWKWARD_KEYS = [
  "with space.txt", "amp&ersand.txt", "plus+sign.txt", "hash#tag.txt", "per%25cent%.txt",
  "question?mark.txt", "ünïcødé/κλειδί.txt", "emoji/🙂.txt", "deep/a/b/c/d.txt", "equals=sign;semi.txt",
];

export interface CorpusSpec {
  small?: number;
  smallSize?: number;
  /** Sizes of the large (multipart) objects. */
  large?: number[];
}

/** Writes the corpus under `dir`; returns key -> hex MD5. */
export async function writeCorpus(dir: string, spec: CorpusSpec = {}): Promise<Map<string, string>> {
  const objects = new Map<string, Buffer>();
  for (const key of AWKWARD_KEYS) objects.set(key, Buffer.from(`awkward ${key}\n`.repeat(7)));
  objects.set("empty/zero-bytes", Buffer.alloc(0));
  objects.set("empty/another", Buffer.alloc(0));
  for (let i = 0; i < (spec.small ?? 40); i++) objects.set(`small/obj-${String(i).padStart(4, "0")}.bin`, crypto.randomBytes(spec.smallSize ?? 1500 + i));
  for (const [i, size] of (spec.large ?? []).entries()) objects.set(`large/object-${i}.bin`, crypto.randomBytes(size));
  const md5s = new Map<string, string>();
  for (const [key, data] of objects) {
    const file = path.join(dir, ...key.split("/"));
    await fsp.mkdir(path.dirname(file), { recursive: true });
    await fsp.writeFile(file, data);
    md5s.set(key, crypto.createHash("md5").update(data).digest("hex"));
  }
  return md5s;
}
