// Reads a fleet file for the fleet and cost commands: the parsed fleet, its waves, where the
// Pulumi project and each tenant's stack config are, and the default state file beside it.
import * as fs from "fs";
import * as path from "path";
import { formatFleetIssues, parseFleetYaml, type FleetFile, type FleetTenant } from "../../components/fleet/fleet-file";
import { planWaves, type Wave } from "../../components/fleet/waves";

export interface LoadedFleet {
  file: string;
  fleet: FleetFile;
  waves: Wave[];
  /** The Pulumi project directory (absolute). */
  workDir: string;
  defaultStateFile: string;
  configFileOf(tenant: FleetTenant): string;
}

export function loadFleet(file: string): LoadedFleet {
  if (!fs.existsSync(file)) throw new Error(`no fleet file ${file}`);
  const parsed = parseFleetYaml(fs.readFileSync(file, "utf8"));
  if (!parsed.ok) throw new Error(formatFleetIssues(parsed.issues));
  const dir = path.dirname(path.resolve(file));
  const workDir = path.resolve(dir, parsed.fleet.workDir);
  return {
    file,
    fleet: parsed.fleet,
    waves: planWaves(parsed.fleet),
    workDir,
    defaultStateFile: path.join(dir, `${path.basename(file).replace(/\.ya?ml$/, "")}.state.json`),
    configFileOf: (t) => (t.config ? path.resolve(dir, t.config) : path.join(workDir, `Pulumi.${t.stack}.yaml`)),
  };
}
