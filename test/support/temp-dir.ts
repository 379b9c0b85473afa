// A temporary directory for one describe block: created before its tests, removed after them.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { afterAll, beforeAll } from "vitest";

/** Registers the hooks; call the returned function inside a test for the directory's path. */
export function useTempDir(prefix: string): () => string {
  let dir: string | undefined;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
  });
  afterAll(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });
  return () => {
    if (!dir) throw new Error(`useTempDir(${prefix}): the directory exists only while the describe block's tests run`);
    return dir;
  };
}
