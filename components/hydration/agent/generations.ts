// The generation layout on a node's data volume:
//
//   <dataRoot>/generations/<hex>.staging/   a generation being loaded (kept across restarts)
//   <dataRoot>/generations/<hex>/           a complete, verified generation (renamed from staging)
//   <dataRoot>/current  -> generations/<hex>   what Tundra reads
//   <dataRoot>/previous -> generations/<hex>   the generation before, kept for instant rollback
//
// A link is switched by creating a new symlink under a temporary name and renaming it over the
// old one: rename(2) replaces atomically, so a reader sees the old or the new generation, never
// a half-written one or none. Every file is flushed to the volume before its generation is sealed,
// and each rename is flushed before the next step, so the same holds after a power loss
// (durable.ts).
import * as crypto from "crypto";
import * as fs from "fs";
import * as fsp from "fs/promises";
import * as path from "path";
import { GENERATION_PATTERN, generationHex } from "../control";
import { flushTree, fsyncFlusher, type Flusher } from "./durable";

const STAGING_SUFFIX = ".staging";
const PARTIAL_MARK = ".tundra-partial-";

export class GenerationLayout {
  readonly generationsDir: string;

  constructor(readonly dataRoot: string, private readonly flusher: Flusher = fsyncFlusher) {
    this.generationsDir = path.join(dataRoot, "generations");
  }

  dir(generation: string): string {
    return path.join(this.generationsDir, generationHex(generation));
  }

  stagingDir(generation: string): string {
    return this.dir(generation) + STAGING_SUFFIX;
  }

  /** The generation a link points at, "" when the link does not exist. */
  private async linked(name: "current" | "previous"): Promise<string> {
    let target: string;
    try {
      target = await fsp.readlink(path.join(this.dataRoot, name));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return "";
      throw err;
    }
    const generation = `sha256:${path.basename(target)}`;
    if (!GENERATION_PATTERN.test(generation)) throw new Error(`${path.join(this.dataRoot, name)} points at ${target}, which is not a generation directory.`);
    return generation;
  }

  live(): Promise<string> {
    return this.linked("current");
  }

  previous(): Promise<string> {
    return this.linked("previous");
  }

  /** Throws unless the data root is a mounted file system of its own (the data volume). */
  async assertMountPoint(): Promise<void> {
    const [root, parent] = await Promise.all([fsp.stat(this.dataRoot).catch(() => undefined), fsp.stat(path.dirname(this.dataRoot))]);
    if (!root || root.dev === parent.dev) {
      throw new Error(`${this.dataRoot} is not a mounted volume (the data volume is not mounted yet?): refusing to load a generation onto the boot disk.`);
    }
  }

  async isComplete(generation: string): Promise<boolean> {
    const stat = await fsp.stat(this.dir(generation)).catch(() => undefined);
    return stat?.isDirectory() ?? false;
  }

  /**
   * Creates the staging directory or reuses the one a killed run left. Half-written temporary
   * files are removed; completed files stay (the transfer plan skips those whose MD5 matches).
   */
  async prepareStaging(generation: string): Promise<string> {
    const staging = this.stagingDir(generation);
    await fsp.mkdir(staging, { recursive: true });
    await removePartials(staging);
    // Multipart assembly files of a killed run cannot be resumed part by part: start them again.
    await fsp.rm(path.join(staging, ".tundra-meta", "uploads"), { recursive: true, force: true });
    return staging;
  }

  /** Staging -> complete: every file flushed to the volume, then one rename of the directory, flushed. */
  async seal(generation: string): Promise<void> {
    await flushTree(this.stagingDir(generation), this.flusher);
    await fsp.rename(this.stagingDir(generation), this.dir(generation));
    await this.flusher.directory(this.generationsDir);
  }

  /** Makes `generation` live; the generation live before becomes `previous`. */
  async switchTo(generation: string): Promise<void> {
    if (!(await this.isComplete(generation))) throw new Error(`Generation ${generation} is not complete on this node; refusing to make it live.`);
    const live = await this.live();
    if (live === generation) return;
    if (live) await this.link("previous", live);
    await this.link("current", generation);
  }

  private async link(name: "current" | "previous", generation: string): Promise<void> {
    const tmp = path.join(this.dataRoot, `.${name}-${crypto.randomBytes(4).toString("hex")}`);
    await fsp.symlink(path.join("generations", generationHex(generation)), tmp);
    try {
      await fsp.rename(tmp, path.join(this.dataRoot, name));
    } catch (err) {
      await fsp.rm(tmp, { force: true });
      throw err;
    }
    await this.flusher.directory(this.dataRoot);
  }

  /** Removes every generation and staging directory except the live, previous and `keep` ones. */
  async collectGarbage(keep: string[] = []): Promise<string[]> {
    const kept = new Set([await this.live(), await this.previous(), ...keep].filter(Boolean).map(generationHex));
    let names: string[];
    try {
      names = await fsp.readdir(this.generationsDir);
    } catch {
      return [];
    }
    const removed: string[] = [];
    for (const name of names) {
      const hex = name.endsWith(STAGING_SUFFIX) ? name.slice(0, -STAGING_SUFFIX.length) : name;
      if (kept.has(hex)) continue;
      await fsp.rm(path.join(this.generationsDir, name), { recursive: true, force: true });
      removed.push(name);
    }
    return removed;
  }
}

async function removePartials(dir: string): Promise<void> {
  let entries: fs.Dirent[];
  try {
    entries = await fsp.readdir(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) await removePartials(full);
    else if (entry.name.includes(PARTIAL_MARK)) await fsp.rm(full, { force: true });
  }
}
