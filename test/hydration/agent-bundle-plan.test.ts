// The plan of the staging stack (`npm run plan -- --stack staging --json`, the real program under
// the mocks) names the agent bundle by SHA-256 and size: the 1.45 MB script is not in it (before
// AgentBundleUpload it was the content of a StorageObject, and the plan was 1.56 MB).
import { describe, expect, it } from "vitest";
import { buildAgentBundle } from "../../components/hydration/agent/bundle";
import { agentObjectKey } from "../../components/hydration/userdata";
import { ofType, planJson, T } from "../support/scripts";

const UPLOAD = "pulumi-nodejs:dynamic/hydration:AgentBundleUpload";

describe("the agent bundle in the staging plan", () => {
  const plan = planJson("staging");
  const text = JSON.stringify(plan);
  const { sha256, script } = buildAgentBundle();

  it("is one AgentBundleUpload under its own token, named by SHA-256 and size, and the plan stays small", () => {
    expect(text.length).toBeLessThan(300_000);
    expect(text).toContain(sha256);
    expect(text).not.toContain(script.slice(10_000, 10_200));
    const uploads = ofType(plan, UPLOAD);
    expect(uploads).toHaveLength(1);
    expect(uploads[0].inputs).toMatchObject({ objectName: agentObjectKey("_tundra/hydration/", sha256), sha256, size: Buffer.byteLength(script) });
    expect(ofType(plan, T.storageObject).filter((r) => String(r.inputs.object ?? "").includes("/agent/"))).toEqual([]);
  });
});
