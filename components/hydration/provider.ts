// The Hydration dynamic provider. Its methods are serialized into the state and run in the
// engine's dynamic-provider host, a plain Node process whose working directory is the project:
// they load the implementation (TypeScript, provider-impl.ts) from there through tsx (a runtime
// dependency) at call time and capture nothing else.
import type * as pulumi from "@pulumi/pulumi";

type Impl = typeof import("./provider-impl");

function impl(): Impl {
  const flag = globalThis as { __tundraTsxRegistered?: boolean };
  if (!flag.__tundraTsxRegistered) {
    require("tsx/cjs/api").register();
    flag.__tundraTsxRegistered = true;
  }
  return require(require("path").resolve("components/hydration/provider-impl.ts"));
}

export const hydrationProvider: pulumi.dynamic.ResourceProvider = {
  async check(olds, news) {
    return impl().checkInputs(olds, news);
  },
  async diff(_id, olds, news) {
    const { changes, replaces } = impl().diffInputs(olds, news);
    return { changes, replaces, deleteBeforeReplace: false };
  },
  async create(inputs) {
    return impl().hydrate(inputs);
  },
  async update(_id, _olds, news) {
    const { outs } = await impl().hydrate(news);
    return { outs };
  },
  async read(id, props) {
    return impl().readState(id, props ?? {});
  },
  async delete(_id, props) {
    await impl().removeControl(props);
  },
};
