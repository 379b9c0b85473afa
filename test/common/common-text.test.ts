import { describe, expect, it } from "vitest";
import { JsonSyntaxError, parseJson } from "../../components/common/json";
import { normalisePrefix } from "../../components/common/prefix";

describe("normalisePrefix and parseJson (components/common)", () => {
  it("normalises a store prefix: no leading slash, a trailing one unless empty", () => {
    expect(["", undefined, "/", "//data", "data", "data/", "/a/b"].map(normalisePrefix)).toEqual(["", "", "", "data/", "data/", "data/", "a/b/"]);
  });

  it("names what failed to parse", () => {
    expect(parseJson('{"a":1}', "x")).toEqual({ a: 1 });
    let err: JsonSyntaxError | undefined;
    try {
      parseJson("{nope", "TUNDRA_SPEC");
    } catch (e) {
      err = e as JsonSyntaxError;
    }
    expect(err).toBeInstanceOf(JsonSyntaxError);
    if (!err) return;
    expect(err.message).toMatch(/^TUNDRA_SPEC is not valid JSON: /);
    expect(err.reason).not.toBe("");
  });
});
