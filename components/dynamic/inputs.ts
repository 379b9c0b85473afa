import type * as pulumi from "@pulumi/pulumi";

type Primitive = string | number | boolean | bigint | undefined | null;

/**
 * `T` with every property, array item and nested field accepting a `pulumi.Input`. Primitives
 * (unions of them too: `boolean | undefined`) take one Input as a whole; objects and arrays are
 * deep, also when optional (`X | undefined`).
 */
export type DeepInput<T> = [T] extends [Primitive]
  ? pulumi.Input<T>
  : T extends (infer U)[]
    ? pulumi.Input<DeepInput<U>[]>
    : T extends object
      ? pulumi.Input<{ [K in keyof T]: DeepInput<T[K]> }>
      : pulumi.Input<T>;
