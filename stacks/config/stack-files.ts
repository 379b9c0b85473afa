// The stacks of a project directory (`Pulumi.<stack>.yaml` beside Pulumi.yaml), for messages
// about a stack name that has no config file.
import * as fs from "fs";

const STACK_FILE = /^Pulumi\.([A-Za-z0-9_.-]+)\.ya?ml$/;

/** Stack names with a config file in `dir`, sorted. */
export function stackNamesIn(dir: string): string[] {
  return fs.readdirSync(dir).flatMap((f) => STACK_FILE.exec(f)?.[1] ?? []).sort();
}

/** `no Pulumi.foo.yaml; stacks here: prod, staging` */
export function missingStackMessage(stack: string, dir: string): string {
  const names = stackNamesIn(dir);
  return `no Pulumi.${stack}.yaml in ${dir}; stacks here: ${names.length > 0 ? names.join(", ") : "none"}`;
}
