// Writes the manifest of a generation: the bucket prefix's listing, checked against the digest
// DataSync reported, so every node loads exactly those objects. Objects without a plain MD5 in
// the listing (multipart uploads) get the content MD5 the transfer engine recorded in their
// metadata, so the agent can still verify every byte.
import pLimit from "p-limit";
import { manifestDigest } from "../transfer/digest";
import { SOURCE_METADATA, isPlainMd5Hex, type ObjectStore } from "../transfer/store";
import { CONTROL_KEYS, CONTROL_SCHEMA_VERSION, manifestSchema, type Manifest, type ManifestEntryRecord } from "./control";
import { getJson, putJson } from "./control-io";

export class GenerationMismatchError extends Error {
  constructor(readonly expected: string, readonly actual: string, readonly where: string) {
    super(
      `The bucket prefix ${where} holds generation ${actual}, not the requested ${expected}. ` +
        "Either a sync changed it after DataSync finished, or the generation input is stale: run `pulumi up` again so DataSync and Hydration agree.",
    );
    this.name = "GenerationMismatchError";
  }
}

/** Lists the data prefix into a manifest. `expected`: fail unless the listing hashes to it. */
export async function buildManifest(data: ObjectStore, prefix: string, expected?: string): Promise<Manifest> {
  const entries: ManifestEntryRecord[] = [];
  for await (const info of data.list()) {
    const entry: ManifestEntryRecord = { key: info.key, size: info.size, etag: info.etag };
    if (info.checksum !== undefined) entry.checksum = info.checksum;
    if (isPlainMd5Hex(info.md5)) entry.md5 = info.md5.toLowerCase();
    entries.push(entry);
  }
  const generation = manifestDigest(entries);
  if (expected !== undefined && generation !== expected) throw new GenerationMismatchError(expected, generation, data.description);

  const heads = pLimit(16);
  await Promise.all(entries.filter((e) => !e.md5 && e.size > 0).map((e) => heads(async () => {
    const recorded = (await data.head(e.key))?.metadata[SOURCE_METADATA.md5];
    if (isPlainMd5Hex(recorded)) e.md5 = recorded.toLowerCase();
  })));
  return {
    schemaVersion: CONTROL_SCHEMA_VERSION,
    generation,
    prefix,
    createdAt: new Date().toISOString(),
    files: entries.length,
    bytes: entries.reduce((sum, e) => sum + e.size, 0),
    entries,
  };
}

export async function publishManifest(control: ObjectStore, manifest: Manifest): Promise<string> {
  const key = CONTROL_KEYS.manifest(manifest.generation);
  await putJson(control, key, manifest);
  return key;
}

/** Checks that a manifest really describes its generation before anything trusts it. */
export function checkManifest(manifest: Manifest): void {
  const digest = manifestDigest(manifest.entries);
  if (digest !== manifest.generation) {
    throw new Error(`The manifest of generation ${manifest.generation} hashes to ${digest}: it is corrupt or was written for other data.`);
  }
  const bytes = manifest.entries.reduce((sum, e) => sum + e.size, 0);
  if (manifest.files !== manifest.entries.length || manifest.bytes !== bytes) {
    throw new Error(`The manifest of generation ${manifest.generation} says ${manifest.files} files / ${manifest.bytes} bytes but lists ${manifest.entries.length} / ${bytes}.`);
  }
}

/**
 * The manifest to publish for `generation`: the one already in the bucket when this generation
 * was published before (a rollback: nodes that still hold it switch back without downloading),
 * otherwise a fresh listing of the data prefix, which must hash to `generation`.
 */
export async function manifestForGeneration(data: ObjectStore, control: ObjectStore, prefix: string, generation: string): Promise<Manifest> {
  const existing = await getJson(control, CONTROL_KEYS.manifest(generation), manifestSchema);
  if (existing) {
    checkManifest(existing);
    if (existing.generation === generation && existing.prefix === prefix) return existing;
  }
  const manifest = await buildManifest(data, prefix, generation);
  await publishManifest(control, manifest);
  return manifest;
}
