// The project runs on the maintained Node.js LTS lines (package.json engines: 22 and 24). The AWS
// SDK v3 warns on older lines that its releases after early January 2027 need Node 22
// (@aws-sdk/core emitWarningIfUnsupportedVersion, on building a client): the fix is running 22,
// not silencing it (AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED is never set). .ci/run runs
// this file again under Node 22, where the script must print no such warning.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { describe, expect, it } from "vitest";
import { runScript } from "../support/scripts";

const major = Number(process.versions.node.split(".")[0]);

describe(`Node.js ${process.versions.node}`, () => {
  it("an operator script that builds an AWS SDK client prints the SDK's end-of-support warning only below Node 22", () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), "tundra-node-"));
    try {
      // A dry run to an S3 endpoint nothing listens on: the client is built, then the run fails.
      const r = runScript("scripts/sync.ts", ["--from", empty, "--to", "s3://tundra-none/x/", "--s3-endpoint", "http://127.0.0.1:9", "--s3-region", "us-east-1", "--dry-run"], {
        AWS_ACCESS_KEY_ID: "AKIDEXAMPLE",
        AWS_SECRET_ACCESS_KEY: "example",
      });
      expect(r.stderr).toMatch(/sync failed/);
      if (major >= 22) expect(r.stderr).not.toMatch(/NodeVersionSupportWarning|require node >=/);
      else expect(r.stderr).toMatch(/NodeVersionSupportWarning/);
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
  }, 60_000);

});
