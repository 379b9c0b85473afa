// `--help` on every operator script: says what the command does, lists its flags, exits 0.
import { describe, expect, it } from "vitest";
import { runScript } from "../support/scripts";

describe("--help", () => {
  it.each(["plan", "sync", "rollback", "validate", "new-tenant"])("%s --help says what the command does and exits 0", (script) => {
    const r = runScript(`scripts/${script}.ts`, ["--help"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^usage: (npm run ${script} |TUNDRA_VALIDATION_SPEC=.* npm run validate)`, "i"));
    // A sentence on what it does, besides the flags.
    expect(r.stdout.split("\n").filter((l) => /^[A-Z][\w-]+:? [a-z].*[a-z]/.test(l) && !/^usage/i.test(l)).length).toBeGreaterThan(0);
  });
});
