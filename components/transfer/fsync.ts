// fsync(2) by path: a file's data (fdatasync) or, for a directory, its entries. Shared by the local
// directory store (each file before its rename) and the hydration agent (a generation before it
// goes live).
import * as fsp from "fs/promises";

export async function fsyncPath(target: string, dataOnly: boolean): Promise<void> {
  const handle = await fsp.open(target, "r");
  try {
    await (dataOnly ? handle.datasync() : handle.sync());
  } finally {
    await handle.close();
  }
}
