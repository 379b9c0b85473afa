// Loads one generation onto the node: staging directory, transfer engine (bucket -> local
// directory, every file's MD5 checked), a verification pass over what is on disk, then the
// atomic switch. Any failure leaves the live generation untouched and throws naming the files.
import * as fsp from "fs/promises";
import * as path from "path";
import pLimit from "p-limit";
import { manifestDigest, sync, SyncError, type SyncEvent } from "../../transfer";
import { LocalDirectoryStore } from "../../transfer/local-store";
import { recordedIdentityMatches } from "../../transfer/plan";
import { multipartPartCount, type ObjectStore } from "../../transfer/store";
import type { Manifest, ManifestEntryRecord } from "../control";
import type { GenerationLayout } from "./generations";
import { ManifestSource } from "./manifest-source";
import { checkManifest } from "../manifest";

export interface HydrationProgress {
  files: number;
  bytes: number;
  doneFiles: number;
  downloadedBytes: number;
  reusedFiles: number;
}

export interface HydrationOutcome extends HydrationProgress {
  generation: string;
  verifiedDigest: string;
  durationMs: number;
  /** The generation was already complete on disk: only the link was switched. */
  switchedOnly: boolean;
}

export interface HydrateOptions {
  layout: GenerationLayout;
  /** The bucket store rooted at the data prefix. */
  bucket: ObjectStore;
  manifest: Manifest;
  concurrency: number;
  signal?: AbortSignal;
  onProgress?: (p: HydrationProgress) => void;
}

export class HydrationError extends Error {
  constructor(message: string, readonly progress: HydrationProgress, readonly verifiedDigest = "") {
    super(message);
    this.name = "HydrationError";
  }
}

/** Files already in the staging directory (left by a killed run) and their sizes. */
async function stagedFiles(staging: LocalDirectoryStore): Promise<Map<string, number>> {
  const present = new Map<string, number>();
  for await (const info of staging.list()) present.set(info.key, info.size);
  return present;
}

/**
 * Hard-links files whose content the live generation already holds (same size and MD5 or source
 * identity) and adds them to `present`.
 */
async function reuseFromLive(layout: GenerationLayout, staging: LocalDirectoryStore, manifest: Manifest, present: Map<string, number>): Promise<void> {
  const live = await layout.live();
  if (!live || live === manifest.generation) return;
  const liveStore = new LocalDirectoryStore(layout.dir(live));
  const limit = pLimit(16);
  await Promise.all(manifest.entries.filter((e) => !present.has(e.key)).map((entry) => limit(async () => {
    const old = await liveStore.head(entry.key);
    if (!old || old.size !== entry.size) return;
    const same = entry.md5 ? old.md5 === entry.md5 : recordedIdentityMatches({ ...entry }, old);
    if (!same) return;
    const target = staging.filePath(entry.key);
    await fsp.mkdir(path.dirname(target), { recursive: true });
    await fsp.link(liveStore.filePath(entry.key), target);
    await staging.writeSidecar(entry.key, old.md5, old.metadata);
    present.set(entry.key, entry.size);
  })));
}

/** Re-reads what is on disk and proves it is the manifest: every file present, right size, right content identity. */
async function verifyStaging(staging: LocalDirectoryStore, manifest: Manifest): Promise<{ digest: string; bad: string[] }> {
  const onDisk = new Map<string, { size: number; md5?: string; checksum?: string }>();
  for await (const info of staging.list()) onDisk.set(info.key, info);
  const verified: ManifestEntryRecord[] = [];
  const bad: string[] = [];
  for (const entry of manifest.entries) {
    const file = onDisk.get(entry.key);
    if (!file) {
      bad.push(`${JSON.stringify(entry.key)}: missing`);
      continue;
    }
    if (file.size !== entry.size) {
      bad.push(`${JSON.stringify(entry.key)}: ${file.size} bytes, expected ${entry.size}`);
      continue;
    }
    if (entry.md5) {
      const md5 = file.md5 ?? (await staging.computeMd5(entry.key));
      if (md5 !== entry.md5) {
        bad.push(`${JSON.stringify(entry.key)}: MD5 ${md5}, expected ${entry.md5}`);
        continue;
      }
    } else if (multipartPartCount(entry.checksum) !== undefined && file.checksum === entry.checksum) {
      // Assembled in the bucket's part layout: the part MD5s hashed on write reproduce its checksum.
    } else {
      const head = await staging.head(entry.key);
      if (!head || !recordedIdentityMatches({ ...entry }, head)) {
        bad.push(`${JSON.stringify(entry.key)}: not recorded as a copy of source ${entry.etag}`);
        continue;
      }
    }
    verified.push(entry);
  }
  const expected = new Set(manifest.entries.map((e) => e.key));
  for (const key of onDisk.keys()) {
    if (!expected.has(key)) bad.push(`${JSON.stringify(key)}: not part of the generation`);
  }
  return { digest: manifestDigest(verified), bad };
}

/** Fails before downloading when the data volume cannot hold what is still missing. */
async function checkFreeSpace(staging: LocalDirectoryStore, manifest: Manifest, present: Map<string, number>): Promise<void> {
  let presentBytes = 0;
  for (const size of present.values()) presentBytes += size;
  const needed = manifest.bytes - presentBytes;
  const dir = staging.root;
  const stats = await fsp.statfs(dir);
  const free = stats.bavail * stats.bsize;
  if (needed > free) {
    const gb = (n: number) => (n / 1e9).toFixed(2);
    throw new Error(`The generation needs ${gb(needed)} GB more on ${dir}, which has ${gb(free)} GB free. Grow the data volume or remove old generations.`);
  }
}

export async function hydrateGeneration(opts: HydrateOptions): Promise<HydrationOutcome> {
  const started = Date.now();
  const { layout, manifest } = opts;
  checkManifest(manifest);
  const progress: HydrationProgress = { files: manifest.files, bytes: manifest.bytes, doneFiles: 0, downloadedBytes: 0, reusedFiles: 0 };
  const finish = (verifiedDigest: string, switchedOnly: boolean): HydrationOutcome => ({
    ...progress,
    generation: manifest.generation,
    verifiedDigest,
    durationMs: Date.now() - started,
    switchedOnly,
  });

  // Already loaded (a rollback to the previous generation, or a re-publish): switch only.
  if (await layout.isComplete(manifest.generation)) {
    const { digest, bad } = await verifyStaging(new LocalDirectoryStore(layout.dir(manifest.generation)), manifest);
    if (bad.length === 0) {
      await layout.switchTo(manifest.generation);
      progress.doneFiles = manifest.files;
      progress.reusedFiles = manifest.files;
      return finish(digest, true);
    }
    // Damaged on disk: load it again from scratch rather than serve it.
    await fsp.rm(layout.dir(manifest.generation), { recursive: true, force: true });
  }

  const stagingDir = await layout.prepareStaging(manifest.generation);
  // Files flushed as they complete: the seal's flush of the tree then finds them on the volume.
  const staging = new LocalDirectoryStore(stagingDir, { flushWrites: true });
  // One listing serves both; the engine's plan lists again, after the hard links.
  const present = await stagedFiles(staging);
  await reuseFromLive(layout, staging, manifest, present);
  await checkFreeSpace(staging, manifest, present);

  const onEvent = (event: SyncEvent) => {
    if (event.type === "plan") {
      // Skipped = hard-linked from the live generation or verified and kept from a killed run.
      progress.reusedFiles = event.plan.skipObjects;
      progress.doneFiles = event.plan.skipObjects;
      opts.onProgress?.({ ...progress });
    } else if (event.type === "copied") {
      progress.doneFiles += 1;
      opts.onProgress?.({ ...progress });
    } else if (event.type === "progress") {
      progress.downloadedBytes = event.progress.bytesDone;
      opts.onProgress?.({ ...progress });
    }
  };

  try {
    const result = await sync(new ManifestSource(opts.bucket, manifest), staging, {
      concurrency: opts.concurrency,
      deleteExtraneous: true,
      signal: opts.signal,
      onEvent,
    });
    progress.downloadedBytes = result.copiedBytes;
  } catch (err) {
    if (err instanceof SyncError) {
      progress.downloadedBytes = err.result.copiedBytes;
      throw new HydrationError(
        `Generation ${manifest.generation} was not loaded: ${err.result.failed.length} of ${manifest.files} files failed (${err.result.failed.slice(0, 5).map((f) => `${JSON.stringify(f.key)}: ${f.error}`).join("; ")}). The live generation is unchanged.`,
        { ...progress },
      );
    }
    throw err;
  }

  const { digest, bad } = await verifyStaging(staging, manifest);
  if (bad.length > 0 || digest !== manifest.generation) {
    throw new HydrationError(
      `Generation ${manifest.generation} failed verification on disk (${bad.length} files: ${bad.slice(0, 5).join("; ")}); verified digest ${digest}. The live generation is unchanged.`,
      { ...progress },
      digest,
    );
  }
  progress.doneFiles = manifest.files;
  await layout.seal(manifest.generation);
  await layout.switchTo(manifest.generation);
  await layout.collectGarbage();
  return finish(digest, false);
}
