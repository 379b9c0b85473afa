export * from "./network";
export * from "./bucket";
export * from "./identity";
export * from "./cluster";
export * from "./placement";
export * from "./preflight";
export * from "./tags";
export * from "./protection";
