// The rehearsal's report: the text summary printed at the end, and a self-contained HTML file
// (inline SVG timeline of the traffic share with the gate results marked, and the same tables).
import type { RehearsalReport } from "./run";

const mib = (b: number) => `${(b / 1048576).toFixed(1)} MiB`;
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

export function formatReport(r: RehearsalReport): string {
  const lines: string[] = [];
  lines.push("", `Rehearsal ${r.outcome}${r.failAt ? ` (fault injected at ${r.failAt})` : ""}${r.again ? " (again)" : ""} in ${r.totalSeconds} s`);
  for (const s of r.story) lines.push(`  ${s}`);
  if (r.sync) {
    lines.push(`sync        ${r.sync.objects} objects, ${mib(r.sync.bytes)} ${r.sync.verified ? "verified" : "NOT verified"}; copied ${r.sync.copiedObjects} (${mib(r.sync.copiedBytes)}), skipped ${r.sync.skippedObjects}; ${r.sync.throughputMBps} MB/s; digest ${r.sync.manifestDigest}`);
    if (r.sync.attempts.length > 1) lines.push(`            attempts: ${r.sync.attempts.map((a, i) => `#${i + 1} copied ${a.copiedObjects}${a.complete ? "" : " (failed)"}`).join(", ")}`);
  }
  if (r.hydration) {
    lines.push(`hydration   generation ${r.hydration.generation || "(none)"} ${r.hydration.complete ? "live on every node" : "NOT complete"}`);
    for (const n of r.hydration.nodes) lines.push(`            ${n.name}: ${n.seconds === null ? "not loaded" : `${n.seconds.toFixed(1)} s`}, live ${n.live ?? "-"}`);
  }
  if (r.validation) lines.push(`validation  ${r.validation.passed ? "passed" : "FAILED"}`);
  if (r.cutover) {
    lines.push(`cutover     ${r.cutover.status}, OCI ${r.cutover.finalOciPercent}% now${r.cutover.rolledBack ? " (rolled back)" : ""}${r.cutover.error ? `: ${r.cutover.error}` : ""}`);
    lines.push("            weights aws/oci   queries  failed  p95 ms  reached OCI  gate");
    for (const s of r.cutover.steps) lines.push(`            ${`${s.awsWeight}/${s.ociWeight}`.padEnd(17)} ${String(s.queries).padStart(7)} ${String(s.failed).padStart(7)} ${String(s.p95Ms).padStart(7)}  ${pct(s.realizedOciShare).padStart(10)}  ${s.gate ?? "-"}`);
    if (!r.cutover.walked) lines.push("            nothing to shift: Route53 already had the target weights (the gate results below are the first run's)");
    const gates = r.cutover.history.filter((h: any) => h.event === "step-passed" || h.event === "rollback");
    for (const g of gates as { event: string; detail: string }[]) lines.push(`            gate ${g.event === "rollback" ? "FAILED" : "passed"}: ${g.detail}`);
  }
  lines.push(`load        ${r.load.queries} queries, ${r.load.failed} failed, p95 ${r.load.p95Ms} ms, ${pct(r.load.ociShare)} reached OCI`);
  lines.push(`decommission guard: ${r.decommission.safe ? "would allow" : "refuses"}`);
  for (const b of r.decommission.blockers) lines.push(`  - ${b}`);
  lines.push(`artifacts   ${r.artifacts.json}, ${r.artifacts.html}${r.artifacts.kept ? `; stand-ins' data kept in ${r.artifacts.workDir} (npm run rehearse -- --again)` : ""}`);
  return lines.join("\n") + "\n";
}

const esc = (s: unknown) => String(s).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);

/** Traffic share over time: Route53's OCI weight (line) and the share of queries that reached OCI (dots), gates marked. */
function timelineSvg(r: RehearsalReport): string {
  const t = r.load.timeline;
  const W = 900, H = 260, L = 50, B = 30, T = 10, R = 10;
  if (t.length === 0) return `<svg id="timeline" width="${W}" height="${H}" role="img" aria-label="no traffic measured"><text x="${L}" y="${H / 2}">No cutover ran: no traffic was measured.</text></svg>`;
  const t0 = t[0].at, t1 = Math.max(t[t.length - 1].at, t0 + 1);
  const x = (at: number) => L + ((at - t0) / (t1 - t0)) * (W - L - R);
  const y = (share: number) => T + (1 - share) * (H - T - B);
  const weightPath = t.map((s, i) => `${i ? "L" : "M"}${x(s.at).toFixed(1)},${y(s.ociPercent / 100).toFixed(1)}`).join(" ");
  // Realized share in windows of 10 queries.
  const dots: string[] = [];
  for (let i = 0; i < t.length; i += 10) {
    const w = t.slice(i, i + 10);
    const share = w.filter((s) => s.side.endsWith("oci")).length / w.length;
    dots.push(`<circle cx="${x(w[0].at).toFixed(1)}" cy="${y(share).toFixed(1)}" r="2.5" fill="#2a7"/>`);
  }
  const failures = t.filter((s) => !s.ok).map((s) => `<line x1="${x(s.at)}" x2="${x(s.at)}" y1="${y(1)}" y2="${y(0)}" stroke="#d33" stroke-width="0.5"/>`);
  // History times are wall-clock; the samples' are ms since the rehearsal started.
  const started = Date.parse(r.startedAt);
  const gateMarks = (r.cutover?.history ?? [])
    .filter((h: any) => h.event === "step-passed" || h.event === "rollback")
    .map((h: any) => {
      const px = Math.min(W - R, Math.max(L, x(Date.parse(h.at) - started)));
      const ok = h.event === "step-passed";
      return `<g class="gate ${ok ? "passed" : "failed"}"><line x1="${px}" x2="${px}" y1="${T}" y2="${H - B}" stroke="${ok ? "#2a7" : "#d33"}" stroke-dasharray="3,3"/><text x="${px - 3}" y="${T + 12}" font-size="11" text-anchor="end" fill="${ok ? "#2a7" : "#d33"}">${ok ? "gate passed" : "gate failed: rollback"}</text></g>`;
    });
  const axis = [0, 0.25, 0.5, 0.75, 1].map((v) => `<text x="${L - 6}" y="${y(v) + 4}" font-size="11" text-anchor="end">${v * 100}%</text><line x1="${L}" x2="${W - R}" y1="${y(v)}" y2="${y(v)}" stroke="#eee"/>`);
  return `<svg id="timeline" xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" role="img" aria-label="traffic share over time">
${axis.join("\n")}
<path d="${weightPath}" fill="none" stroke="#36c" stroke-width="2"/>
${dots.join("")}
${failures.join("")}
${gateMarks.join("\n")}
<text x="${L}" y="${H - 8}" font-size="11">0 s</text><text x="${W - R}" y="${H - 8}" font-size="11" text-anchor="end">${((t1 - t0) / 1000).toFixed(1)} s</text>
</svg>
<p class="legend"><span style="color:#36c">&#9644;</span> Route53 OCI weight &nbsp; <span style="color:#2a7">&#9679;</span> share of queries that reached OCI (per 10 queries) &nbsp; <span style="color:#d33">|</span> failed query</p>`;
}

function table(head: string[], rows: unknown[][], id: string): string {
  return `<table id="${id}"><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join("")}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join("")}</tr>`).join("")}</tbody></table>`;
}

export function htmlReport(r: RehearsalReport): string {
  const sections: string[] = [];
  sections.push(`<h1>Tundra tenant migration rehearsal: ${esc(r.outcome)}${r.failAt ? ` (fault at ${esc(r.failAt)})` : ""}</h1><p>${r.totalSeconds} s in all. ${r.story.map(esc).join(" ")}</p>`);
  sections.push(`<h2>Traffic share over time</h2>${timelineSvg(r)}`);
  if (r.sync) sections.push(`<h2>Data sync</h2>${table(["objects", "bytes", "copied", "copied bytes", "skipped", "verified", "MB/s", "digest"], [[r.sync.objects, r.sync.bytes, r.sync.copiedObjects, r.sync.copiedBytes, r.sync.skippedObjects, r.sync.verified, r.sync.throughputMBps, r.sync.manifestDigest]], "sync")}`);
  if (r.hydration) sections.push(`<h2>Hydration</h2><p>Generation ${esc(r.hydration.generation)}</p>${table(["node", "seconds to live", "live generation"], r.hydration.nodes.map((n) => [n.name, n.seconds ?? "-", n.live ?? "-"]), "hydration")}`);
  if (r.validation) sections.push(`<h2>Validation: ${r.validation.passed ? "passed" : "failed"}</h2><pre>${esc(r.validation.report)}</pre>`);
  if (r.cutover) sections.push(`<h2>Cutover: ${esc(r.cutover.status)}${r.cutover.rolledBack ? " (rolled back)" : ""}</h2>${table(["AWS weight", "OCI weight", "queries", "failed", "p95 ms", "reached OCI", "gate"], r.cutover.steps.map((s) => [s.awsWeight, s.ociWeight, s.queries, s.failed, s.p95Ms, pct(s.realizedOciShare), s.gateDetail ?? "-"]), "steps")}${table(["at", "event", "detail"], (r.cutover.history as any[]).map((h) => [h.at, h.event, h.detail]), "history")}`);
  sections.push(`<h2>Decommission guard: ${r.decommission.safe ? "would allow" : "refuses"}</h2><ul>${r.decommission.blockers.map((b) => `<li>${esc(b)}</li>`).join("")}</ul>`);
  return `<!doctype html><html><head><meta charset="utf-8"><title>Tundra rehearsal</title><style>body{font:14px system-ui,sans-serif;margin:24px;max-width:960px}table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}th{background:#f4f4f4}pre{background:#f8f8f8;padding:8px;overflow:auto;white-space:pre-wrap}td{word-break:break-all}</style></head><body>${sections.join("\n")}</body></html>\n`;
}
