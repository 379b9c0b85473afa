// Flushing a generation to the data volume before it goes live. rename(2) makes the switch atomic
// for readers, but not across a power loss: without these flushes the journal can commit the
// renamed directory and the new `current` link before the files' data, and after a reboot Tundra
// would read a generation with empty or short files that every check on disk (size, recorded MD5)
// still accepts.
import type { Dirent } from "fs";
import * as fsp from "fs/promises";
import * as path from "path";
import pLimit from "p-limit";
import { fsyncPath } from "../../transfer/fsync";

export interface Flusher {
  /** fsync(2) of one file's data (or of a directory's entries). */
  file(file: string): Promise<void>;
  directory(dir: string): Promise<void>;
}

export const fsyncFlusher: Flusher = {
  file: (file) => fsyncPath(file, true),
  directory: (dir) => fsyncPath(dir, false),
};

/** Flushes every file under `root` (16 at a time), then every directory, deepest first. */
export async function flushTree(root: string, flusher: Flusher = fsyncFlusher): Promise<{ files: number; directories: number }> {
  const files: string[] = [];
  const directories: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    const entries: Dirent[] = await fsp.readdir(dir, { withFileTypes: true });
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.isFile()) files.push(full);
    }
    directories.push(dir); // after its subdirectories
  };
  await walk(root);
  const limit = pLimit(16);
  await Promise.all(files.map((file) => limit(() => flusher.file(file))));
  for (const dir of directories) await flusher.directory(dir);
  return { files: files.length, directories: directories.length };
}
