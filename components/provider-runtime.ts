// How a dynamic provider reaches this project's TypeScript engines at run time.
//
// Provider objects are serialized into the Pulumi state and run later in the engine's
// dynamic-provider host, a plain Node process, possibly from another checkout or CI runner. So
// a provider method loads engines here, by a path relative to the project root that is found
// from the host's working directory (the engine starts it in the program's directory), and
// never captures an absolute path. tsx loads the TypeScript source and caches the module.

/** Loads `relativePath` (from the project root, e.g. "components/transfer") in the provider host. */
export function loadProjectModule<T>(relativePath: string): T {
  const path = require("path");
  const fs = require("fs");
  let dir: string = process.cwd();
  while (!fs.existsSync(path.join(dir, "Pulumi.yaml"))) {
    const parent = path.dirname(dir);
    if (parent === dir) {
      throw new Error(`no Pulumi.yaml in ${process.cwd()} or above: the dynamic provider must run inside the tundra-replatform project`);
    }
    dir = parent;
  }
  const target = path.join(dir, relativePath);
  return require("tsx/cjs/api").require(target, path.join(dir, "Pulumi.yaml"));
}
