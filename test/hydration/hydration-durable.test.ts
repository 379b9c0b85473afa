import * as fsp from "fs/promises";
import * as path from "path";
import { describe, expect, it } from "vitest";
import { flushTree, type Flusher } from "../../components/hydration/agent/durable";
import { GenerationLayout } from "../../components/hydration/agent/generations";
import { useTempDir } from "../support/temp-dir";

const GEN_A = `sha256:${"a".repeat(64)}`;
const GEN_B = `sha256:${"b".repeat(64)}`;

/** Records every flush with what the data root looked like at that moment. */
function recordingFlusher(dataRoot: string) {
  const events: { kind: "file" | "directory"; path: string; current: string }[] = [];
  const current = () => fsp.readlink(path.join(dataRoot, "current")).catch(() => "");
  const flusher: Flusher = {
    file: async (file) => void events.push({ kind: "file", path: file, current: await current() }),
    directory: async (dir) => void events.push({ kind: "directory", path: dir, current: await current() }),
  };
  return { events, flusher };
}

async function stage(layout: GenerationLayout, generation: string, files: Record<string, string>): Promise<string[]> {
  const staging = await layout.prepareStaging(generation);
  const written: string[] = [];
  for (const [key, body] of Object.entries(files)) {
    const file = path.join(staging, ...key.split("/"));
    await fsp.mkdir(path.dirname(file), { recursive: true });
    await fsp.writeFile(file, body);
    written.push(file);
  }
  return written;
}

describe("a generation reaches the data volume before it goes live (power-loss safety)", () => {
  const tmp = useTempDir("hydration-durable");

  it("seal flushes every staged file and directory before the rename, then the rename; each link switch is flushed", async () => {
    const dataRoot = path.join(tmp(), "node");
    const { events, flusher } = recordingFlusher(dataRoot);
    const layout = new GenerationLayout(dataRoot, flusher);
    const files = await stage(layout, GEN_A, { "t/a.parquet": "a", "t/deep/b.parquet": "bb", ".tundra-meta/objects/t/a.parquet.json": "{}" });

    await layout.seal(GEN_A);
    const staging = layout.stagingDir(GEN_A);
    // Every file, at its staging path (so before the rename), then the directories deepest first.
    expect(events.filter((e) => e.kind === "file").map((e) => e.path).sort()).toEqual([...files].sort());
    const dirs = events.filter((e) => e.kind === "directory").map((e) => e.path);
    expect(dirs.slice(0, -1)).toEqual(expect.arrayContaining([staging, path.join(staging, "t"), path.join(staging, "t", "deep")]));
    expect(dirs.indexOf(path.join(staging, "t", "deep"))).toBeLessThan(dirs.indexOf(path.join(staging, "t")));
    expect(dirs.indexOf(path.join(staging, "t"))).toBeLessThan(dirs.indexOf(staging));
    // Last: the generations directory, after the rename made the generation complete.
    expect(dirs.at(-1)).toBe(layout.generationsDir);
    expect(events.findIndex((e) => e.kind === "file")).toBeLessThan(events.findIndex((e) => e.path === layout.generationsDir));

    events.length = 0;
    await layout.switchTo(GEN_A);
    // The data root is flushed once `current` already names the new generation.
    expect(events).toEqual([{ kind: "directory", path: dataRoot, current: path.join("generations", "a".repeat(64)) }]);

    await stage(layout, GEN_B, { "t/a.parquet": "a2" });
    await layout.seal(GEN_B);
    events.length = 0;
    await layout.switchTo(GEN_B);
    // Two link renames (previous, then current), each flushed before the next.
    expect(events.map((e) => [e.path, e.current])).toEqual([
      [dataRoot, path.join("generations", "a".repeat(64))],
      [dataRoot, path.join("generations", "b".repeat(64))],
    ]);
  });

  it("the real flusher fsyncs a tree of files and directories", async () => {
    const root = path.join(tmp(), "tree");
    await fsp.mkdir(path.join(root, "x", "y"), { recursive: true });
    await fsp.writeFile(path.join(root, "x", "y", "f1"), "1");
    await fsp.writeFile(path.join(root, "f2"), "2");
    expect(await flushTree(root)).toEqual({ files: 2, directories: 3 });
  });
});
