// `npm run rehearse`: a whole tenant migration on this machine, in one command (docs/rehearsal.md).
//   npm run rehearse                          the default data set (about a minute on 2 cores)
//   npm run rehearse -- --keep                keep the stand-ins' data; then:
//   npm run rehearse -- --again               an update of the same stack: nothing is copied or shifted again
//   npm run rehearse -- --fail-at sync|hydrate|validate|gate    inject a fault, show the product's answer
//   npm run rehearse -- --json                the report as one JSON document on stdout
//   --files N --size-mib M --work-dir DIR --report-dir DIR
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseArgs } from "util";
import { SingleBar } from "cli-progress";
import { DEFAULT_WORK_DIR, FAULTS, Interrupted, RehearsalRefused, rehearse, type FaultPoint } from "./rehearse/run";
import { formatReport, htmlReport } from "./rehearse/report";

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      json: { type: "boolean", default: false },
      again: { type: "boolean", default: false },
      keep: { type: "boolean", default: false },
      "fail-at": { type: "string" },
      files: { type: "string", default: "32" },
      "size-mib": { type: "string", default: "160" },
      "work-dir": { type: "string", default: DEFAULT_WORK_DIR },
      "report-dir": { type: "string", default: path.join(os.tmpdir(), "tundra-rehearsal-report") },
    },
  });
  const failAt = values["fail-at"];
  if (failAt !== undefined && !(FAULTS as readonly string[]).includes(failAt)) {
    process.stderr.write(`--fail-at must be one of ${FAULTS.join(", ")} (got ${failAt})\n`);
    return 2;
  }
  const files = Number(values.files);
  const sizeMiB = Number(values["size-mib"]);
  if (!Number.isInteger(files) || files < 1 || !(sizeMiB > 0)) {
    process.stderr.write("--files must be a whole number >= 1 and --size-mib a positive number\n");
    return 2;
  }
  // With --json, stdout holds the report only: progress goes to stderr.
  const out = values.json ? process.stderr : process.stdout;
  const bar = out.isTTY ? new SingleBar({ format: "  sync [{bar}] {value}/{total} objects", stream: out, hideCursor: true }) : undefined;
  let barStarted = false;
  const log = (line: string) => {
    if (barStarted) out.write("\r\x1b[K");
    out.write(`${line}\n`);
  };
  const progress = (done: number, total: number) => {
    if (!bar) return;
    if (!barStarted) {
      bar.start(total, 0);
      barStarted = true;
    }
    bar.update(Math.min(done, total));
    if (done >= total) {
      bar.stop();
      barStarted = false;
    }
  };

  // Ctrl-C: the rehearsal's own cleanup runs (every process it started, its directories).
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    out.write(`\n${signal}: stopping the rehearsal and cleaning up ...\n`);
    controller.abort(signal);
  };
  // A bug in the rehearsal itself must not leave its stand-ins behind either.
  process.on("uncaughtException", (err) => {
    process.stderr.write(`rehearse: ${err.stack ?? err.message}\n`);
    controller.abort("crash");
  });
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  const report = await rehearse({ workDir: values["work-dir"]!, files, sizeMiB, again: values.again!, keep: values.keep! || values.again!, failAt: failAt as FaultPoint | undefined, log, progress, signal: controller.signal });
  bar?.stop();
  const reportDir = values["report-dir"]!;
  fs.mkdirSync(reportDir, { recursive: true });
  report.artifacts.json = path.join(reportDir, "rehearsal.json");
  report.artifacts.html = path.join(reportDir, "rehearsal.html");
  fs.writeFileSync(report.artifacts.json, JSON.stringify(report, null, 2));
  fs.writeFileSync(report.artifacts.html, htmlReport(report));
  if (values.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else out.write(formatReport(report));
  // A fault the product answered as designed is a successful rehearsal of that fault.
  return report.outcome === "completed" || failAt !== undefined ? 0 : 1;
}

main()
  .catch((err: Error) => {
    if (err instanceof Interrupted) {
      process.stderr.write(`rehearse interrupted (${err.message}): every process and directory it started is gone\n`);
      return 130;
    }
    process.stderr.write(err instanceof RehearsalRefused ? `rehearse refused: ${err.message}\n` : `rehearse failed: ${err.stack ?? err.message}\n`);
    return err instanceof RehearsalRefused ? 3 : 1;
  })
  .then((code) => process.exit(code));
