// One schema per input: tundra:dataSync is derived from the DataSync resource's spec, so what the
// config accepts the resource accepts, and the resource refuses what the config refuses.
import { describe, expect, it } from "vitest";
import { checkAgainst } from "../../components/dynamic/check";
import { inputsSchema } from "../../components/datasync/spec";
import { dataSyncSchema } from "../../stacks/config/data-sync";

function resourceInputs(section: NonNullable<ReturnType<typeof dataSyncSchema.parse>>) {
  // As components/datasync/stage.ts builds them.
  return {
    source: section.source,
    destination: { namespace: "ns", bucket: "tenant-bucket", prefix: section.destinationPrefix, region: "us-ashburn-1" },
    generation: section.generation,
    concurrency: section.concurrency,
    partConcurrency: section.partConcurrency,
    extraneous: section.extraneous,
    purgeOnDelete: section.purgeOnDelete,
    previewPendingWork: section.previewPendingWork,
  };
}

describe("tundra:dataSync and the DataSync resource share their rules", () => {
  it("a section the config accepts (numbers as config strings) is inputs the resource accepts", () => {
    const section = dataSyncSchema.parse({
      source: { bucket: "tundra-prod", region: "us-west-2", prefix: "acme", endpoint: "https://s3.example.com" },
      generation: "2026-11-23", concurrency: "32", extraneous: "delete", purgeOnDelete: "false",
    })!;
    const checked = checkAgainst(inputsSchema, JSON.parse(JSON.stringify(resourceInputs(section))));
    expect(checked.failures).toEqual([]);
    expect(checked.inputs).toMatchObject({ source: { prefix: "acme/", endpoint: "https://s3.example.com" }, concurrency: 32, extraneous: "delete", purgeOnDelete: false });
  });

  it("the resource refuses what the config refuses, with the same message", () => {
    const bad = { generation: "x".repeat(129), source: { bucket: "Bad_Bucket", region: "us-west-2", endpoint: "ftp://s3.example.com" } };
    const config = dataSyncSchema.safeParse(bad).error!.issues.map((i) => `${i.path.join(".")}: ${i.message}`).sort();
    const resource = checkAgainst(inputsSchema, { ...bad, destination: { namespace: "ns", bucket: "b" } }).failures.map((f) => `${f.property}: ${f.reason}`).sort();
    expect(resource).toEqual(config);
    expect(resource).toHaveLength(3);
  });
});
