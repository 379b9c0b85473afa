// Percent <-> Route53 weights. A step at p% OCI writes weights {aws: 100 - p, oci: p}: integers in
// 0..255 whose sum is 100, so the weights read as percentages in the console too.
import type { Weights } from "./types";

export function weightsForOciPercent(percent: number): Weights {
  if (!Number.isInteger(percent) || percent < 0 || percent > 100) {
    throw new Error(`OCI share must be an integer percent 0..100, got ${percent}`);
  }
  return { aws: 100 - percent, oci: percent };
}

/**
 * The OCI share the weights give. All-zero weights split traffic equally (Route53 behaviour),
 * so they read as 50%.
 */
export function ociPercentOf(w: Weights): number {
  const total = w.aws + w.oci;
  if (total === 0) return 50;
  return Math.round((w.oci / total) * 10_000) / 100;
}

/** Refuses weights Route53 would reject or that would split traffic equally by accident. */
export function assertWritableWeights(w: Weights): void {
  for (const [side, value] of Object.entries(w)) {
    if (!Number.isInteger(value) || value < 0 || value > 255) {
      throw new Error(`refusing to write ${side} weight ${value}: Route53 weights are integers 0..255`);
    }
  }
  if (w.aws === 0 && w.oci === 0) {
    throw new Error("refusing to write all-zero weights: Route53 would then split traffic equally between AWS and OCI");
  }
}

export function sameWeights(a: Weights, b: Weights): boolean {
  return a.aws === b.aws && a.oci === b.oci;
}

export function formatWeights(w: Weights): string {
  return `aws ${w.aws} / oci ${w.oci} (oci ${ociPercentOf(w)}%)`;
}
