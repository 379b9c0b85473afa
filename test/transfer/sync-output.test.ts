// What `npm run sync` shows: totals in binary units on the bar, the largest pending objects first
// in the dry run, rounded rates, and the flag or variable behind a missing credential.
import { Writable } from "stream";
import { describe, expect, it } from "vitest";
import { credentialHint, progressBar, progressPayload } from "../../scripts/sync-output";
import { formatBytes, formatMBps } from "../../components/transfer/format";
import { estimateCopyTime } from "../../components/transfer/copy-time";
import { largestFirst, type PlannedCopy } from "../../components/transfer";

describe("npm run sync output", () => {
  it("the progress bar shows both byte counts in MiB/GiB, not the raw total", () => {
    let text = "";
    const stream = Object.assign(new Writable({ write(chunk, _enc, done) { text += String(chunk); done(); } }), { isTTY: true, columns: 200, cursorTo() { return true; }, clearLine() { return true; }, moveCursor() { return true; } });
    const bar = progressBar(stream);
    const total = 34_650_000;
    bar.start(total, 0, progressPayload({ bytesDone: 0, bytesTotal: total, objectsDone: 0, objectsTotal: 3, bytesPerSecond: 0 }));
    bar.update(4.5 * 1024 * 1024, progressPayload({ bytesDone: 4.5 * 1024 * 1024, bytesTotal: total, objectsDone: 1, objectsTotal: 3, bytesPerSecond: 412.3456 }));
    bar.stop();
    expect(text).toContain("4.5 MiB/33.0 MiB");
    expect(text).not.toContain(String(total));
    expect(text).toContain("412 B/s");
  });

  it("the dry run lists the largest pending objects first", () => {
    const copy = (key: string, size: number) => ({ source: { key, size }, reason: "missing" }) as unknown as PlannedCopy;
    const listed = largestFirst([copy("a", 1), copy("b", 500), copy("c", 20), copy("d", 500)], 3).map((c) => c.source.key);
    expect(listed).toEqual(["b", "d", "c"]);
  });

  it("small rates are rounded", () => {
    expect(formatMBps(0.41234)).toBe("0.4 MB/s");
    expect(formatMBps(206.5)).toBe("206.5 MB/s");
    expect(formatMBps(12.04)).toBe("12 MB/s");
    expect(formatBytes(412.3456)).toBe("412 B");
    expect(estimateCopyTime(10e9, { runnerMBps: 0.41234, windowHours: 1 }).warning).toContain("at 0.4 MB/s on one runner");
  });

  it("a missing credential names the flag or variable that supplies it, never the SDK's text", () => {
    const aws = Object.assign(new Error("Could not load credentials from any providers"), { name: "CredentialsProviderError" });
    expect(credentialHint(aws)).toMatch(/^no AWS credentials: set AWS_PROFILE or AWS_ACCESS_KEY_ID\/AWS_SECRET_ACCESS_KEY/);
    const oci = new Error(" Can't load the default config from /root/.oci/config or /root/.oraclebmc/config because it does not exists or its not a file. For more info ...");
    const hint = credentialHint(oci)!;
    expect(hint).toMatch(/^no OCI config: pass --oci-config FILE \/ --oci-profile NAME .*tundra:oci.*OCI_CLI_CONFIG_FILE \/ OCI_CLI_PROFILE/);
    expect(hint).not.toContain("/root/.oci/config");
    expect(credentialHint(new Error("No profile named PROD exists in the configuration file"))).toMatch(/^no OCI config/);
    expect(credentialHint(new Error("socket hang up"))).toBeUndefined();
  });
});
