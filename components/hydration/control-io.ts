// Reads and writes the small JSON control objects through the transfer engine's object-store
// interface, so the agent and the provider share one code path for every store (OCI, local dir).
import * as crypto from "crypto";
import { Readable } from "stream";
import type { z } from "zod";
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

/** The parsed object, or undefined when it does not exist. A malformed object is an error naming it. */
export async function getJson<T>(store: ObjectStore, key: string, schema: z.ZodType<T>): Promise<T | undefined> {
  const head = await store.head(key);
  if (!head) return undefined;
  const text = await readText(await store.get(key));
  return parseControlObject(schema, text, `${store.description}${key}`);
}
