// The InstanceRelocation dynamic provider: thin glue that loads relocation-runtime.ts inside each
// method, in the provider host process, by its project-relative path (loadProjectModule). No
// absolute path, SDK client or zod schema is captured in the serialized closure, so the state
// works from another checkout or CI runner.
import type * as pulumi from "@pulumi/pulumi";
import { loadProjectModule } from "../provider-runtime";
import type * as runtimeModule from "./relocation-runtime";

function runtime(): typeof runtimeModule {
  return loadProjectModule<typeof runtimeModule>("components/region/relocation-runtime");
}

/** The provider object, with what `configure` learned from the stack's config. */
interface RelocationProvider extends pulumi.dynamic.ResourceProvider {
  host: runtimeModule.HostSettings;
}

export const instanceRelocationProvider: RelocationProvider = {
  host: {},
  // The stack's config reaches dynamic providers here: authenticate like the stack's OCI provider.
  async configure(req) {
    this.host = { stackOci: req.config.get("tundra:oci") };
  },
  async check(olds, news) {
    return runtime().check(olds, news, this.host);
  },
  async diff(_id, olds, news) {
    return runtime().diff(olds, news);
  },
  async create(inputs) {
    return runtime().create(inputs, this.host);
  },
  async update(_id, olds, news) {
    return runtime().update(olds, news, this.host);
  },
  async read(id, props) {
    return runtime().read(id, props, this.host);
  },
  async delete(_id, props) {
    await runtime().remove(props, this.host);
  },
};
