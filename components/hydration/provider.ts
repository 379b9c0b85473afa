// The Hydration dynamic provider. Its methods are serialized into the state and run in the
// engine's dynamic-provider host; they load the implementation (provider-impl.ts) through the
// project's provider runtime at call time and capture nothing else. Credentials: the stack's
// `tundra:oci` section (configure) over the environment, never inputs or state.
import type * as pulumi from "@pulumi/pulumi";
import type { OciAuth } from "../transfer/oci-store";
import { loadProjectModule } from "../provider-runtime";

type Impl = typeof import("./provider-impl");

const impl = () => loadProjectModule<Impl>("components/hydration/provider-impl");

function auth(): OciAuth {
  const configured = (globalThis as { __tundraHydrationAuth?: OciAuth }).__tundraHydrationAuth;
  return configured ?? impl().ociAuthFrom(() => undefined);
}

export const hydrationProvider: pulumi.dynamic.ResourceProvider = {
  async configure(req) {
    (globalThis as { __tundraHydrationAuth?: OciAuth }).__tundraHydrationAuth = impl().ociAuthFrom((key) => req.config.get(key));
  },
  async check(olds, news) {
    return impl().checkInputs(olds, news);
  },
  async diff(_id, olds, news) {
    const { changes, replaces } = impl().diffInputs(olds, news);
    return { changes, replaces, deleteBeforeReplace: false };
  },
  async create(inputs) {
    return impl().hydrate(inputs, auth());
  },
  async update(_id, _olds, news) {
    const { outs } = await impl().hydrate(news, auth());
    return { outs };
  },
  async read(id, props) {
    return impl().readState(id, props ?? {}, auth());
  },
  async delete(_id, props) {
    await impl().removeControl(props, auth());
  },
};
