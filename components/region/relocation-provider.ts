// The InstanceRelocation dynamic provider: thin glue that loads relocation-runtime.ts inside each
// method, in the provider host process. Only the absolute path of that module is captured in the
// serialized closure (no SDK clients, no zod schemas); tsx loads it from TypeScript source, or
// from compiled JavaScript when the program is built.
import type * as pulumi from "@pulumi/pulumi";
import type * as runtimeModule from "./relocation-runtime";

// Absolute paths resolved when the program runs, so the host finds both whatever its cwd.
const RUNTIME_PATH: string = require("path").join(__dirname, "relocation-runtime");
const TSX_API_PATH: string = require.resolve("tsx/cjs/api");

function runtime(): typeof runtimeModule {
  return require(TSX_API_PATH).require(RUNTIME_PATH, RUNTIME_PATH);
}

export const instanceRelocationProvider: pulumi.dynamic.ResourceProvider = {
  async check(olds, news) {
    return runtime().check(olds, news);
  },
  async diff(_id, olds, news) {
    return runtime().diff(olds, news);
  },
  async create(inputs) {
    return runtime().create(inputs);
  },
  async update(_id, olds, news) {
    return runtime().update(olds, news);
  },
  async read(id, props) {
    return runtime().read(id, props);
  },
  async delete(_id, props) {
    await runtime().remove(props);
  },
};
