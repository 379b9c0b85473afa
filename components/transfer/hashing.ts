// A source body with its bytes counted, and hashed (MD5) when the copy must check them itself.
import * as crypto from "crypto";
import { pipeline, Transform, type Readable } from "stream";

/** The stream to hand to the destination, and what has flowed through it so far. */
export interface CountedBody {
  stream: Readable;
  /** The MD5 of the bytes so far ("" when not hashing); read it once, at the end. */
  md5(): string;
  bytes(): number;
}

/** `body` counted as it is consumed, and hashed when `hashing` (then through a pass-through stream). */
export function countedBody(body: Readable, onBytes: (n: number) => void, hashing: boolean): CountedBody {
  return hashing ? hashingPassThrough(body, onBytes) : countingTap(body, onBytes);
}

function hashingPassThrough(body: Readable, onBytes: (n: number) => void): CountedBody {
  const hash = crypto.createHash("md5");
  let bytes = 0;
  const through = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      bytes += chunk.length;
      onBytes(chunk.length);
      cb(null, chunk);
    },
  });
  // pipeline, not pipe: a source error (a dropped connection) must reach the consumer through
  // `through` even before it starts reading (the destination may still be opening its file);
  // with pipe() the error would be re-thrown as unhandled and take the process down.
  pipeline(body, through, () => undefined);
  let digest: string | undefined;
  return { stream: through, md5: () => (digest ??= hash.digest("hex")), bytes: () => bytes };
}

/**
 * `body` itself, counted by a 'data' listener: a Readable emits 'data' for every chunk it hands
 * its consumer, flowing or through read(). Without hashing, a pass-through stream only added a
 * write, a transform and a read to every 64 KiB chunk (bench:hydrate, docs/hydration.md). Paused
 * first, so that the listener does not start the flow before the consumer is there. An error
 * before the consumer reads stays on the stream (errored, the consumer then fails with it) rather
 * than going unhandled.
 */
function countingTap(body: Readable, onBytes: (n: number) => void): CountedBody {
  let bytes = 0;
  body.pause();
  body.on("data", (chunk: Buffer | string) => {
    bytes += chunk.length;
    onBytes(chunk.length);
  });
  body.on("error", () => undefined);
  return { stream: body, md5: () => "", bytes: () => bytes };
}
