// Reads and writes the small JSON control objects through the transfer engine's object-store
// interface, so the agent and the provider share one code path for every store (OCI, local dir).
import * as crypto from "crypto";
import { Readable } from "stream";
import type { z } from "zod";
import { httpStatusOf } from "../transfer/retry";
import type { ObjectStore } from "../transfer/store";
import { parseControlObject } from "./control";

export async function putJson(store: ObjectStore, key: string, value: unknown): Promise<void> {
  const body = Buffer.from(JSON.stringify(value, null, 1));
  const md5 = crypto.createHash("md5").update(body).digest("hex");
  await store.put(key, Readable.from([body]), { size: body.length, md5, metadata: { "content-type": "application/json" } });
}

async function readText(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks).toString("utf8");
}

function isNotFound(err: unknown): boolean {
  return httpStatusOf(err) === 404 || (err as NodeJS.ErrnoException)?.code === "ENOENT";
}

/**
 * The parsed object, or undefined when it does not exist (one GET: agents poll with it).
 * A malformed object is an error naming it.
 */
export async function getJson<T>(store: ObjectStore, key: string, schema: z.ZodType<T>): Promise<T | undefined> {
  let text: string;
  try {
    text = await readText(await store.get(key));
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
  return parseControlObject(schema, text, `${store.description}${key}`);
}
