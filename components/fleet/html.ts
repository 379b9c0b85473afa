// A self-contained HTML page of the fleet (no script, no external asset): each wave, each
// tenant's stage and result, with the summary counts. An operator opens it locally or CI
// publishes it as an artifact / Pages site.
import { formatBytesShort, formatDuration, type SummaryRow } from "./summary";

const RESULT_COLOURS: Record<SummaryRow["result"], string> = {
  succeeded: "#1a7f37", failed: "#cf222e", running: "#9a6700", skipped: "#6e7781", pending: "#6e7781",
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

export interface FleetPage {
  title: string;
  operation: string;
  generatedAt: string;
  rows: SummaryRow[];
  stoppedBy?: string;
  /** Extra lines under the title (e.g. the cost and egress totals). */
  notes?: string[];
}

export function renderFleetHtml(page: FleetPage): string {
  const waves = [...new Set(page.rows.map((r) => r.wave))];
  const count = (result: SummaryRow["result"]) => page.rows.filter((r) => r.result === result).length;
  const sections = waves.map((wave) => {
    const rows = page.rows.filter((r) => r.wave === wave);
    const body = rows
      .map((r) => `<tr><td>${escapeHtml(r.stack)}</td><td>${escapeHtml(r.stageReached ?? "-")}</td>` +
        `<td><span class="result" style="background:${RESULT_COLOURS[r.result]}">${r.result}</span></td>` +
        `<td>${formatDuration(r.seconds)}</td><td>${formatBytesShort(r.bytesSynced)}</td><td>${r.ociPercent === null ? "-" : `${r.ociPercent}%`}</td>` +
        `<td class="error">${escapeHtml(r.error ?? "")}</td></tr>`)
      .join("\n");
    return `<section><h2>${escapeHtml(wave)} <small>${rows.filter((r) => r.result === "succeeded").length}/${rows.length} succeeded</small></h2>\n` +
      `<table><thead><tr><th>tenant</th><th>stage reached</th><th>result</th><th>time</th><th>bytes synced</th><th>cutover (OCI %)</th><th>error</th></tr></thead>\n<tbody>\n${body}\n</tbody></table></section>`;
  });
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(page.title)}</title>
<style>
body{font:14px system-ui,sans-serif;margin:2em;color:#1f2328}
table{border-collapse:collapse;width:100%;margin-bottom:1.5em}
th,td{border-bottom:1px solid #d0d7de;padding:4px 8px;text-align:left;vertical-align:top}
.result{color:#fff;border-radius:3px;padding:1px 6px}
.error{color:#cf222e;font-size:12px}
.stopped{background:#fff8c5;border:1px solid #d4a72c;padding:8px}
</style></head><body>
<h1>${escapeHtml(page.title)}</h1>
<p>operation <b>${escapeHtml(page.operation)}</b>, generated ${escapeHtml(page.generatedAt)}: ${count("succeeded")} succeeded, ${count("failed")} failed, ${count("skipped")} skipped, ${count("pending") + count("running")} not run.</p>
${page.stoppedBy ? `<p class="stopped">Rollout stopped: ${escapeHtml(page.stoppedBy)}</p>` : ""}
${(page.notes ?? []).map((n) => `<p>${escapeHtml(n)}</p>`).join("\n")}
${sections.join("\n")}
</body></html>
`;
}
