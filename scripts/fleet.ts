// Rolls a fleet of tenant stacks in waves (canaries first) with the Pulumi Automation API, keeping
// a state file so that a re-run resumes; or prints a wave's GitHub Actions job matrix for the CI
// form of the same rollout (.github/workflows/fleet.yml). docs/fleet.md.
//
//   npm run fleet -- up --fleet fleet.yaml [--retry-failed] [--wave wave-2] [--json] [--html fleet.html]
//   npm run fleet -- preview|refresh --fleet fleet.yaml
//   npm run fleet -- summary --fleet fleet.yaml [--operation up] [--json] [--html fleet.html]
//   npm run fleet -- matrix --fleet fleet.yaml --wave canary [--github-output]
//   npm run fleet -- up --fleet fleet.yaml --wave wave-1 --stack acme-prod --state acme-prod.state.json   (one CI job)
//   npm run fleet -- merge --fleet fleet.yaml --state fleet.state.json job-states/*.json              (the CI gate)
import * as fs from "fs";
import { parseArgs } from "util";
import { rollout, type RolloutEvent, type RolloutResult } from "../components/fleet/rollout";
import { OPERATIONS, readState, writeState, type Operation } from "../components/fleet/state";
import { findWave } from "../components/fleet/waves";
import { formatDuration, formatSummaryTable, summaryRows } from "../components/fleet/summary";
import { renderFleetHtml } from "../components/fleet/html";
import { githubOutputLines, jobMatrix } from "../components/fleet/matrix";
import type { TenantRunner } from "../components/fleet/runner";
import { fleetCost } from "../components/cost/fleet";
import { formatBytes } from "../components/transfer/format";
import { loadFleet, type LoadedFleet } from "./fleet/load";
import { AutomationRunner } from "./fleet/automation-runner";
import { tenantCostInput } from "./cost/tenant-inputs";
import { formatFleetCost } from "./cost/format";
import { runCli } from "./cli";

const USAGE = `Usage: npm run fleet -- <preview|up|refresh|summary|matrix> --fleet <fleet.yaml> [options]
  --state FILE       fleet state (default: <fleet>.state.json beside the fleet file)
  --retry-failed     run tenants whose last run failed again (default: they stay failed and stop their wave)
  --wave NAME        only this wave (canary, wave-1, ...; matrix: required); summary: exit 1 when
                     the wave has more failed tenants than its limit (the CI gate)
  --stack NAME       only this tenant of the wave (one CI job)
  --operation OP     summary/matrix: which operation's state (default up)
  --json             print the summary as JSON
  --html FILE        write the fleet's HTML page
  --github-output    matrix: append the outputs to $GITHUB_OUTPUT instead of printing JSON`;

const bar = (done: number, total: number, width = 20) => {
  const filled = total === 0 ? width : Math.round((done / total) * width);
  return `[${"#".repeat(filled)}${".".repeat(width - filled)}] ${done}/${total}`;
};

/** One line per tenant as it finishes, a bar per wave. */
export function progressPrinter(write: (line: string) => void): (e: RolloutEvent) => void {
  const waves = new Map<string, { done: number; total: number }>();
  return (e) => {
    switch (e.type) {
      case "wave-start":
        waves.set(e.wave, { done: e.total - e.toRun, total: e.total });
        write(`== ${e.wave}: ${e.toRun} to run of ${e.total} ${bar(e.total - e.toRun, e.total)}`);
        break;
      case "tenant-done": {
        const w = waves.get(e.wave)!;
        w.done++;
        const r = e.record;
        write(`${e.wave} ${bar(w.done, w.total)}  ${e.stack}: ${r.status} at ${r.stageReached ?? "start"} in ${formatDuration(r.seconds)}` +
          `${r.bytesSynced !== null ? `, ${formatBytes(r.bytesSynced)} synced` : ""}${r.ociPercent !== null ? `, OCI ${r.ociPercent}%` : ""}${r.error ? ` (${r.error.split("\n")[0]})` : ""}`);
        break;
      }
      case "wave-done":
        write(`== ${e.wave} done: ${e.succeeded} succeeded, ${e.failed} failed, ${e.skipped} skipped`);
        break;
      case "stopped":
        write(`== rollout stopped: ${e.reason}`);
        break;
    }
  };
}

async function costOf(loaded: LoadedFleet, records: Record<string, { status: string; bytesSynced: number | null }>) {
  const inputs = [];
  for (const wave of loaded.waves) {
    for (const t of wave.tenants) {
      const r = records[t.stack];
      inputs.push(await tenantCostInput({ stack: t.stack, wave: wave.name, configFile: loaded.configFileOf(t), receiptBytes: r?.status === "succeeded" ? r.bytesSynced : null, fleetFileBytes: t.sourceBytes, egressGBPerMonth: t.egressGBPerMonth }));
    }
  }
  return fleetCost(inputs);
}

export interface FleetCliDeps {
  runner?: (loaded: LoadedFleet) => TenantRunner;
  stdout?: (text: string) => void;
  now?: () => Date;
}

export async function main(argv: string[], deps: FleetCliDeps = {}): Promise<number> {
  const out = deps.stdout ?? ((t: string) => process.stdout.write(t));
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      fleet: { type: "string" }, state: { type: "string" }, "retry-failed": { type: "boolean" }, wave: { type: "string" },
      operation: { type: "string" }, stack: { type: "string" }, json: { type: "boolean" }, html: { type: "string" }, "github-output": { type: "boolean" }, help: { type: "boolean" },
    },
  });
  const command = positionals[0];
  if (values.help || !command || !values.fleet) {
    out(`${USAGE}\n`);
    return values.help ? 0 : 2;
  }
  const loaded = loadFleet(values.fleet);
  const stateFile = values.state ?? loaded.defaultStateFile;
  const state = readState(stateFile);
  const operation = (OPERATIONS as readonly string[]).includes(command) ? (command as Operation) : ((values.operation ?? "up") as Operation);
  if (!(OPERATIONS as readonly string[]).includes(operation)) throw new Error(`--operation must be one of ${OPERATIONS.join(", ")} (got ${operation})`);
  let selected = values.wave ? [findWave(loaded.waves, values.wave) ?? (() => { throw new Error(`no wave ${values.wave} (waves: ${loaded.waves.map((w) => w.name).join(", ")})`); })()] : loaded.waves;
  if (values.stack) {
    if (!values.wave) throw new Error("--stack needs --wave: a CI job runs one tenant of one wave");
    const tenant = selected[0].tenants.find((t) => t.stack === values.stack);
    if (!tenant) throw new Error(`${values.stack} is not in ${selected[0].name} (${selected[0].tenants.map((t) => t.stack).join(", ")})`);
    selected = [{ ...selected[0], tenants: [tenant] }];
  }

  if (command === "merge") {
    // Each CI job's state holds its one tenant; the records are merged over the fleet state.
    for (const file of positionals.slice(1)) {
      const job = readState(file);
      for (const op of OPERATIONS) Object.assign((state.operations[op] ??= {}), job.operations[op] ?? {});
    }
    writeState(stateFile, state);
    out(`merged ${positionals.length - 1} job state(s) into ${stateFile}\n`);
    return 0;
  }

  if (command === "matrix") {
    if (!values.wave) throw new Error("matrix needs --wave (one workflow run is one wave)");
    const m = jobMatrix(selected[0], state, operation);
    if (values["github-output"]) {
      const target = process.env.GITHUB_OUTPUT;
      if (!target) throw new Error("--github-output: GITHUB_OUTPUT is not set (run it inside GitHub Actions)");
      fs.appendFileSync(target, githubOutputLines(m));
    } else {
      out(`${JSON.stringify(m)}\n`);
    }
    return 0;
  }

  let result: RolloutResult | undefined;
  if (command !== "summary") {
    if (!(OPERATIONS as readonly string[]).includes(command)) throw new Error(`unknown command ${command}\n${USAGE}`);
    const runner = deps.runner ? deps.runner(loaded) : await automationRunner(loaded);
    result = await rollout({
      waves: selected, operation, runner, state, retryFailed: values["retry-failed"] === true,
      save: (s) => writeState(stateFile, s), onEvent: progressPrinter((line) => out(`${line}\n`)), now: deps.now,
    });
  }

  const rows = summaryRows(loaded.waves, state, operation);
  const cost = await costOf(loaded, state.operations.up ?? {});
  const byStack = new Map(cost.tenants.map((t) => [t.stack, t]));
  if (values.json) {
    out(`${JSON.stringify({ operation, stoppedBy: result?.stoppedBy ?? null, tenants: rows, cost }, null, 2)}\n`);
  } else {
    out(`\n${formatSummaryTable(rows, {
      headers: ["OCI $/month", "migration $"],
      cells: (stack) => [`$${(byStack.get(stack)?.monthly?.total ?? 0).toFixed(2)}`, `$${(byStack.get(stack)?.migrationUsd ?? 0).toFixed(2)}`],
    })}\n\n${formatFleetCost(cost)}\n`);
  }
  if (values.html) {
    const e = cost.ociEgress;
    fs.writeFileSync(values.html, renderFleetHtml({
      title: `Fleet ${loaded.file}`, operation, generatedAt: (deps.now ?? (() => new Date()))().toISOString(), rows, stoppedBy: result?.stoppedBy,
      notes: [`OCI: $${cost.monthlyUsd.toFixed(2)}/month; migration egress $${cost.migrationUsd.toFixed(2)}; OCI egress ${Math.round(e.allowanceShare * 100)} % of the free ${e.allowanceGb} GB`, ...cost.warnings],
    }));
  }
  if (result?.stoppedBy) return 1;
  if (command === "summary" && values.wave) {
    const failed = rows.filter((r) => r.wave === selected[0].name && r.result === "failed").length;
    if (failed > selected[0].maxFailures) {
      out(`${selected[0].name} has ${failed} failed tenant(s), more than its limit of ${selected[0].maxFailures}: the next wave must not start\n`);
      return 1;
    }
  }
  return 0;
}

async function automationRunner(loaded: LoadedFleet): Promise<TenantRunner> {
  return new AutomationRunner(loaded.workDir, (stack, line) => process.stderr.write(`[${stack}] ${line}\n`));
}

if (require.main === module) {
  runCli(() => main(process.argv.slice(2)));
}
