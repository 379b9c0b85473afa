// The transfer engine's defaults, in one place for the engine, the DataSync resource and the
// sync command (which show them in their own units).
const MiB = 1024 * 1024;

export const TRANSFER_DEFAULTS = {
  concurrency: 16,
  partConcurrency: 8,
  checkers: 16,
  /** rclone's --s3-upload-cutoff: below it a copy is one streamed PUT, which holds no body in memory. */
  multipartThreshold: 200 * MiB,
  partSize: 16 * MiB,
  memoryBudget: 96 * MiB,
} as const;
