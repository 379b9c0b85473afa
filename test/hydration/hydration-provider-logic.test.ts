// The Hydration provider's wait loop in-process against the OCI test server, with the test
// playing a node whose agent is alive (it keeps rewriting its receipt) but whose download is
// stuck: the timeout must say so, from the progress, not from the heartbeat.
import * as crypto from "crypto";
import * as fsp from "fs/promises";
import * as path from "path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CONTROL_KEYS, desiredSchema, type Receipt } from "../../components/hydration/control";
import { getJson, putJson } from "../../components/hydration/control-io";
import { systemClock, type Clock } from "../../components/common/clock";
import { create } from "../../components/hydration/operations";
import { BUCKET, REGION, startHydrationFixture, syncGeneration, type HydrationFixture } from "../support/hydration-fixture";

describe("Hydration wait loop", () => {
  let fx: HydrationFixture;
  beforeAll(async () => {
    fx = await startHydrationFixture();
  });
  afterAll(() => fx?.close());

  it("times out on a live but stuck node, naming how long its progress has not moved", async () => {
    const source = path.join(fx.dir, "source");
    await fsp.mkdir(source);
    for (let i = 0; i < 4; i++) await fsp.writeFile(path.join(source, `f${i}.bin`), crypto.randomBytes(10_000));
    const generation = await syncGeneration(fx, source);

    let stop = false;
    const stuckAgent = (async () => {
      while (!stop) {
        const desired = await getJson(fx.control, CONTROL_KEYS.desired, desiredSchema).catch(() => undefined);
        if (desired) {
          const now = new Date().toISOString();
          const receipt: Receipt = {
            schemaVersion: 1, node: "stuck-0", requestId: desired.requestId, generation, status: "loading", files: 4, bytes: 40_000,
            doneFiles: 1, downloadedBytes: 10_000, reusedFiles: 0, startedAt: now, updatedAt: now, durationMs: 1, verifiedDigest: "",
            live: "", previous: "", error: "",
          };
          await putJson(fx.control, CONTROL_KEYS.receipt("stuck-0"), receipt); // heartbeat, no progress
        }
        await new Promise((r) => setTimeout(r, 300));
      }
    })();
    // Real time (the stuck agent runs on it), but every wait between polls goes through the clock.
    const sleeps: number[] = [];
    const clock: Clock = { now: () => systemClock.now(), sleep: (ms) => (sleeps.push(ms), systemClock.sleep(ms)) };
    try {
      const err = await create({
        nodes: ["stuck-0"], namespace: fx.namespace, bucket: BUCKET, region: REGION, prefix: "warehouse/", controlPrefix: "_tundra/hydration/",
        generation, timeoutSeconds: 10, concurrency: 4, endpoint: fx.server.endpoint,
      }, { oci: { kind: "config-file", file: fx.ociConfigFile }, wait: { pollMs: 250, clock } }).catch((e) => e);
      expect(err.message).toContain("timed out after 10 s on 1 of 1 nodes (stuck-0)");
      expect(err.message).toMatch(/stuck-0: loading, 1\/4 files, 9\.8 KiB of 39\.1 KiB downloaded, no progress for (9|10|11) s/);
      expect(err.properties).toMatchObject({ complete: false, offGeneration: ["stuck-0"] });
      expect(err.properties.nodeStatus["stuck-0"]).toMatchObject({ status: "loading", downloadedBytes: 10_000 });
      expect(err.id).toBe(`hydration:${fx.namespace}/${BUCKET}/_tundra/hydration/`);
      expect(sleeps.length).toBeGreaterThan(5);
      expect(new Set(sleeps)).toEqual(new Set([250]));
    } finally {
      stop = true;
      await stuckAgent;
    }
  });
});
