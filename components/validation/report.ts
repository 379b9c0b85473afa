// The result of one pre-cutover check and the operator-facing report of a whole run.

export interface CheckResult {
  /** Short name of the check, e.g. "query-parity". */
  check: string;
  ok: boolean;
  /** One line with the measured figures. */
  summary: string;
  /** One line per finding (what failed and with which numbers). */
  details: string[];
}

export function formatReport(results: CheckResult[]): string {
  const lines: string[] = [];
  for (const result of results) {
    lines.push(`${result.ok ? "PASS" : "FAIL"}  ${result.check}: ${result.summary}`);
    for (const detail of result.details) lines.push(`      ${detail}`);
  }
  const failed = results.filter((r) => !r.ok).length;
  lines.push(failed === 0 ? `validation passed: ${results.length} checks` : `validation FAILED: ${failed} of ${results.length} checks`);
  return lines.join("\n");
}
