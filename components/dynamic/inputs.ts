import type * as pulumi from "@pulumi/pulumi";

/** `T` with every property, array item and nested field accepting a `pulumi.Input`. */
export type DeepInput<T> = [T] extends [(infer U)[]]
  ? pulumi.Input<DeepInput<U>[]>
  : [T] extends [object]
    ? pulumi.Input<{ [K in keyof T]: DeepInput<T[K]> }>
    : pulumi.Input<T>;
