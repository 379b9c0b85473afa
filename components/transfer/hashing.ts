// A pass-through stream that hashes (MD5) and counts the bytes flowing through it.
import * as crypto from "crypto";
import { Transform } from "stream";

export type HashingStream = Transform & { md5(): string; bytes(): number };

export function hashingPassThrough(onBytes?: (n: number) => void): HashingStream {
  const hash = crypto.createHash("md5");
  let bytes = 0;
  const t = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      bytes += chunk.length;
      onBytes?.(chunk.length);
      cb(null, chunk);
    },
  }) as HashingStream;
  let digest: string | undefined;
  t.md5 = () => (digest ??= hash.digest("hex"));
  t.bytes = () => bytes;
  return t;
}
