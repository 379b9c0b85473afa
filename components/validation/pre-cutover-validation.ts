// The pre-cutover validation as a step of `pulumi up`: a @pulumi/command local command between
// hydration and cutover. The cutover depends on it, so a failed validation (non-zero exit) stops
// the update before any DNS weight changes.
import * as path from "path";
import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import { SPEC_ENV, type ValidationSpecInput } from "./spec";

export interface PreCutoverValidationArgs {
  /** The checks to run; unknown values (addresses, digests) resolve before the command runs. */
  spec: pulumi.Input<ValidationSpecInput>;
  /** Values whose change must re-run the validation even when the spec is the same. */
  rerunOn?: pulumi.Input<pulumi.Input<string>[]>;
}

// The CLI runs from the project root with the project's own tsx (a runtime dependency). The
// directory is given relative to the program's working directory: an absolute path would differ
// between checkouts and runners, and every such difference would re-run the validation.
const projectRoot = path.relative(process.cwd(), path.resolve(__dirname, "..", "..")) || ".";

export class PreCutoverValidation extends pulumi.ComponentResource {
  /** The report of the last run (stdout of scripts/validate.ts). */
  readonly report: pulumi.Output<string>;

  constructor(name: string, args: PreCutoverValidationArgs, opts?: pulumi.ComponentResourceOptions) {
    super("tundra:validation:PreCutoverValidation", name, {}, opts);
    const specJson = pulumi.output(args.spec).apply((spec) => JSON.stringify(spec));
    const run = new command.local.Command(
      `${name}-run`,
      {
        create: "node --import tsx scripts/validate.ts",
        dir: projectRoot,
        environment: { [SPEC_ENV]: specJson },
        triggers: [specJson, args.rerunOn ?? []],
      },
      // The environment carries the spec (URLs, queries, bodies); the report quotes them.
      { parent: this, additionalSecretOutputs: ["environment", "stdout", "stderr"] },
    );
    this.report = run.stdout;
    this.registerOutputs({ report: this.report });
  }
}
