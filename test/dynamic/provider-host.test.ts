import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  destroy, partialState, ProviderCallError, ProviderHost, refresh, serializeProvider, startProviderHost, UNKNOWN, up,
} from "../support/provider-host";

describe("dynamic-provider host harness", () => {
  let host: ProviderHost;
  let provider: string;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "marker-"));
  const file = path.join(dir, "marker.txt");

  beforeAll(async () => {
    provider = await serializeProvider("test/fixtures/marker-provider.ts", "markerProvider");
    host = await startProviderHost();
  });
  afterAll(async () => {
    await host?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("runs create, preview with unknowns, update, refresh and delete in the host process", async () => {
    const created = await up(host, provider, undefined, { path: file, content: "one" });
    expect(created.op).toBe("create");
    expect(created.checked.summary).toBe("marker one");
    expect(fs.readFileSync(file, "utf8")).toBe("one");
    expect(created.state!.outputs.pid).not.toBe(process.pid);

    const preview = await up(host, provider, created.state, { path: file, content: UNKNOWN }, { preview: true });
    expect(preview.op).toBe("update");
    expect(fs.readFileSync(file, "utf8")).toBe("one");

    const same = await up(host, provider, created.state, { path: file, content: "one" });
    expect(same.op).toBe("same");

    const updated = await up(host, provider, created.state, { path: file, content: "two" });
    expect(updated.op).toBe("update");
    expect(fs.readFileSync(file, "utf8")).toBe("two");

    fs.writeFileSync(file, "edited by hand");
    const refreshed = await refresh(host, updated.state!);
    expect(refreshed!.outputs.content).toBe("edited by hand");

    await destroy(host, refreshed!);
    expect(fs.existsSync(file)).toBe(false);
    expect(await refresh(host, refreshed!)).toBeUndefined();
  });

  it("reports check failures by property", async () => {
    const err = await up(host, provider, undefined, { content: "x" }).catch((e) => e);
    expect(err).toBeInstanceOf(ProviderCallError);
    expect(err.failures).toEqual([{ property: "path", reason: "path is required: a file to manage" }]);
  });

  it("returns partial state from a create that failed halfway, and the next up updates it", async () => {
    const err: ProviderCallError = await up(host, provider, undefined, { path: file, content: "fail-halfway" }).catch((e) => e);
    expect(err).toBeInstanceOf(ProviderCallError);
    expect(err.message).toContain("wrote half of the marker");
    const state = partialState(err, { path: file, content: "fail-halfway" });
    expect(state.outputs).toEqual({ path: file, content: "half", schemaVersion: 1 });
    expect(state.initErrors).toEqual(["halfway"]);

    // The same inputs again: the engine updates a resource with init errors even without a diff.
    const resumed = await up(host, provider, { ...state, outputs: { ...state.outputs, content: "fail-halfway" } }, {
      path: file,
      content: "fail-halfway",
    });
    expect(resumed.op).toBe("update");
    expect(fs.readFileSync(file, "utf8")).toBe("fail-halfway");
  });
});
