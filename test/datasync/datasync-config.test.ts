import { describe, expect, it } from "vitest";
import { dataSyncSchema } from "../../stacks/config/data-sync";

describe("tundra:dataSync config section", () => {
  it("fills defaults for a minimal section", () => {
    expect(dataSyncSchema.parse({ source: { bucket: "tundra-prod", region: "us-west-2" }, generation: "2026-11-23" })).toEqual({
      source: { bucket: "tundra-prod", prefix: "", region: "us-west-2" },
      generation: "2026-11-23",
      destinationPrefix: "data/",
    });
    expect(dataSyncSchema.parse(undefined)).toBeUndefined();
  });

  it("names every bad key and what would be valid", () => {
    const result = dataSyncSchema.safeParse({
      source: { bucket: "Bad_Bucket", region: "uswest2", prefix: "/abs" },
      generation: "",
      extraneous: "remove",
      concurrency: "0",
      accessKey: "x",
    });
    expect(result.success).toBe(false);
    const byPath = Object.fromEntries(result.error!.issues.map((i) => [i.path.join(".") || i.code, i.message]));
    expect(byPath["source.bucket"]).toContain("S3 bucket name");
    expect(byPath["source.region"]).toContain("us-west-2");
    expect(byPath["source.prefix"]).toContain("leading '/'");
    expect(byPath.generation).toContain("non-empty");
    expect(byPath.extraneous).toContain('"keep" or "delete"');
    expect(byPath.concurrency).toContain("at least 1");
    expect(result.error!.issues.some((i) => i.code === "unrecognized_keys")).toBe(true);
  });
});
