import type * as pulumi from "@pulumi/pulumi";

type Primitive = string | number | boolean | bigint | undefined | null;

/**
 * `T` with every property, array item and nested field accepting a `pulumi.Input`. Primitives
 * (unions of them too: `boolean | undefined`) take one Input as a whole; objects and arrays are
 * deep, also when optional (`X | undefined`). A nullable object (`X | null`) takes one Input of
 * either as a whole too (an Output that resolves to the object or to null), and is deep.
 */
export type DeepInput<T> = [T] extends [Primitive]
  ? pulumi.Input<T>
  : null extends T
    ? pulumi.Input<DeepInput<Exclude<T, null>> | null>
    : T extends (infer U)[]
    ? pulumi.Input<DeepInput<U>[]>
    : T extends object
      ? pulumi.Input<{ [K in keyof T]: DeepInput<T[K]> }>
      : pulumi.Input<T>;
