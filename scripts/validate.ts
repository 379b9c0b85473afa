// Pre-cutover validation, run by the PreCutoverValidation command inside `pulumi up` (and by
// hand: TUNDRA_VALIDATION_SPEC='{"tenant":...}' npx tsx scripts/validate.ts).
// Exit 0: every check passed. Exit 1: a check failed (the cutover must not run). Exit 2: bad spec.
import { parseJson } from "../components/common/json";
import { runValidation } from "../components/validation/run";
import { formatReport } from "../components/validation/report";
import { parseValidationSpec, SPEC_ENV } from "../components/validation/spec";
import { runCli } from "./cli";

const USAGE = `usage: ${SPEC_ENV}='{"tenant":...}' npm run validate

Pre-cutover validation: runs the checks of the spec in ${SPEC_ENV} (components/validation)
and prints a report. Exit 0 when every check passed, 1 when one failed (the
cutover must not run), 2 on a bad spec. \`pulumi up\` runs it before the cutover.`;

async function main(): Promise<number> {
  if (process.argv.slice(2).includes("--help")) {
    console.log(USAGE);
    return 0;
  }
  const text = process.env[SPEC_ENV];
  if (!text) {
    console.error(`${SPEC_ENV} is not set: it must hold the validation spec as JSON`);
    return 2;
  }
  let raw: unknown;
  try {
    raw = parseJson(text, SPEC_ENV);
  } catch (err) {
    console.error((err as Error).message);
    return 2;
  }
  const parsed = parseValidationSpec(raw);
  if (!parsed.ok) {
    console.error(`invalid validation spec:\n${parsed.errors.map((e) => `  ${e}`).join("\n")}`);
    return 2;
  }
  console.log(`validating tenant ${parsed.spec.tenant}, generation ${parsed.spec.generation}`);
  const results = await runValidation(parsed.spec);
  const report = formatReport(results);
  const failed = results.some((r) => !r.ok);
  (failed ? console.error : console.log)(report);
  return failed ? 1 : 0;
}

runCli(main, (err) => ({ message: `validation crashed: ${(err as Error)?.stack ?? err}` }));
