// "Did you mean ...": the known name nearest a mistyped one, for error messages only.

/** Levenshtein distance (insert, delete, substitute: 1 each), case-insensitive. */
export function editDistance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let previous = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const current = [i];
    for (let j = 1; j <= y.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[y.length];
}

/**
 * The known name nearest `name`, or undefined when none is close: at most 2 edits, and fewer than
 * half the name's length (so `id` is not "corrected" to `env`). Ties go to the first known name.
 */
export function nearestName(name: string, known: Iterable<string>): string | undefined {
  const limit = Math.min(2, Math.ceil(name.length / 2) - 1);
  let best: { name: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = editDistance(name, candidate);
    if (distance <= limit && (best === undefined || distance < best.distance)) best = { name: candidate, distance };
  }
  return best?.name;
}
