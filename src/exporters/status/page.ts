// The status page: one self-contained HTML document (inline CSS, no scripts or external assets) that
// reloads itself, rendered on the server from a StatusSnapshot.

import { SEVERITY_NAMES, type AlertEvent, type SeriesRow, type StatusSnapshot } from './board.js';

const QUANTILES = ['0.5', '0.95', '0.99'];

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A value in the unit a person reads: seconds as ms, bytes as MB, ratios as they are. */
export function formatValue(metric: string, value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return '—';
  if (metric.endsWith('_seconds')) {
    const ms = value * 1000;
    if (ms >= 1000) return `${Number(value.toPrecision(3))} s`;
    return ms >= 100 ? `${ms.toFixed(0)} ms` : `${Number(ms.toPrecision(3))} ms`;
  }
  if (metric.endsWith('_bytes')) return `${(value / 2 ** 20).toFixed(1)} MB`;
  return Number(value.toPrecision(4)).toString();
}

function time(ms: number): string {
  return new Date(ms).toISOString().slice(11, 19);
}

function severityCell(name: string): string {
  return `<td class="sev sev-${escapeHtml(name)}">${escapeHtml(name)}</td>`;
}

function severityName(level: number | undefined): string {
  return level === undefined ? '—' : (SEVERITY_NAMES[level] ?? String(level));
}

function seriesName(row: SeriesRow): string {
  const labels = Object.entries(row.labels)
    .filter(([k]) => k !== 'service_name' && k !== 'service_instance_id')
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  return `${escapeHtml(row.metric)}<div class="labels">${escapeHtml(labels)}</div>`;
}

function targetsCell(row: SeriesRow): string {
  if (row.targets.length === 0) return '<td>—</td>';
  const parts = row.targets.map((t) => {
    // Quantile and resource targets are in the series' unit; an error-rate or rate target on a latency series is a plain number.
    const inSeriesUnit = /^p\d+$/.test(t.name) || !row.metric.endsWith('_seconds');
    const threshold = formatValue(inSeriesUnit ? row.metric : '', t.threshold);
    const label = `${t.name} ≤ ${threshold}`;
    return t.breach ? `<span class="breach">${escapeHtml(label)} BREACHED</span>` : `<span class="ok">${escapeHtml(label)}</span>`;
  });
  return `<td>${parts.join('<br>')}</td>`;
}

function seriesTable(rows: SeriesRow[]): string {
  if (rows.length === 0) return '<p class="empty">No derived series yet: the baseline needs a window of traffic.</p>';
  const head =
    '<tr><th>service</th><th>class</th><th>series</th><th>now p50</th><th>now p95</th><th>now p99</th>' +
    '<th>baseline p50</th><th>baseline p95</th><th>baseline p99</th><th>baseline</th><th>Δ p95</th><th>severity</th><th>targets</th></tr>';
  const body = rows.map((r) => {
    const baseline = r.baselineReady === undefined ? '—' : r.baselineReady ? 'ready' : `learning (${r.baselineSamples ?? 0})`;
    const delta = r.degradation === undefined ? '—' : `${r.degradation >= 0 ? '+' : ''}${(r.degradation * 100).toFixed(1)}%`;
    const cells = [
      `<td>${escapeHtml(r.service)}</td>`,
      `<td>${escapeHtml(r.operationClass || '—')}</td>`,
      `<td>${seriesName(r)}</td>`,
      ...QUANTILES.map((q) => `<td class="num">${formatValue(r.metric, r.window[q])}</td>`),
      ...QUANTILES.map((q) => `<td class="num">${formatValue(r.metric, r.baseline[q])}</td>`),
      `<td>${escapeHtml(baseline)}</td>`,
      `<td class="num">${delta}</td>`,
      severityCell(severityName(r.severity)),
      targetsCell(r),
    ];
    return `<tr>${cells.join('')}</tr>`;
  });
  return `<table><thead>${head}</thead><tbody>${body.join('\n')}</tbody></table>`;
}

function alertsTable(alerts: AlertEvent[], empty: string): string {
  if (alerts.length === 0) return `<p class="empty">${escapeHtml(empty)}</p>`;
  const rows = alerts.map((a) => {
    const since = a.status === 'resolved' && a.endsAtMs !== undefined ? `${time(a.startsAtMs)} – ${time(a.endsAtMs)}` : `since ${time(a.startsAtMs)}`;
    return (
      `<tr><td class="status-${a.status}">${a.status}</td>${severityCell(a.labels['severity'] ?? '—')}` +
      `<td>${escapeHtml(a.labels['alertname'] ?? '')}</td><td>${escapeHtml(a.labels['service'] ?? '')}</td>` +
      `<td>${escapeHtml(a.summary)}</td><td>${since}</td></tr>`
    );
  });
  return `<table><thead><tr><th>status</th><th>severity</th><th>alert</th><th>service</th><th>summary</th><th>when (UTC)</th></tr></thead><tbody>${rows.join('\n')}</tbody></table>`;
}

const STYLE = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5em; color: #1d232b; background: #f7f8fa; }
h1 { font-size: 1.4em; margin: 0 0 .2em; } h2 { font-size: 1.1em; margin: 1.4em 0 .4em; }
.meta, .empty, .labels { color: #5b6570; } .labels { font-size: .85em; }
table { border-collapse: collapse; background: #fff; width: 100%; }
th, td { border: 1px solid #d9dde3; padding: .3em .5em; text-align: left; vertical-align: top; }
th { background: #eef1f5; font-weight: 600; } td.num { text-align: right; white-space: nowrap; }
.sev-low { background: #eef6ff; } .sev-medium { background: #fff4cc; } .sev-high { background: #ffd9b3; }
.sev-critical { background: #ffb3b3; font-weight: 600; } .breach { color: #b00020; font-weight: 600; } .ok { color: #2e7d32; } .breach, .ok { white-space: nowrap; }
.status-firing { color: #b00020; font-weight: 600; } .status-resolved { color: #2e7d32; }
`;

export function renderStatusPage(snapshot: StatusSnapshot, refreshSeconds: number, jsonPath: string): string {
  const services = snapshot.services.map(
    (s) =>
      `<tr><td>${escapeHtml(s.service)}</td><td class="num">${s.instances}</td><td class="num">${s.series}</td>` +
      `<td class="num">${s.baselinesReady} ready, ${s.baselinesLearning} learning</td>${severityCell(severityName(s.worstSeverity))}` +
      `<td class="num">${s.breaches}</td><td class="num">${s.firingAlerts}</td><td>${time(s.lastSeenMs)}</td></tr>`,
  );
  const servicesTable =
    services.length === 0
      ? '<p class="empty">No service has reported yet.</p>'
      : `<table><thead><tr><th>service</th><th>instances</th><th>series</th><th>baselines</th><th>worst severity</th><th>target breaches</th><th>firing alerts</th><th>last seen (UTC)</th></tr></thead><tbody>${services.join('')}</tbody></table>`;
  const findings =
    snapshot.findings.length === 0
      ? '<p class="empty">No findings.</p>'
      : `<ul>${snapshot.findings.map((f) => `<li>${time(f.timeMs)} <b>${escapeHtml(f.kind)}</b>${f.severity ? ` (${escapeHtml(f.severity)})` : ''} ${escapeHtml(f.service)}: ${escapeHtml(f.message)}</li>`).join('')}</ul>`;
  const dropped = snapshot.droppedSeries > 0 ? ` · ${snapshot.droppedSeries} series not shown (max_series)` : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="${refreshSeconds}">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>iora status</title><style>${STYLE}</style></head>
<body>
<h1>iora status</h1>
<div class="meta">Updated ${time(snapshot.generatedAtMs)} UTC · reloads every ${refreshSeconds}s · <a href="${escapeHtml(jsonPath)}">JSON</a>${dropped}</div>
<h2>Services</h2>${servicesTable}
<h2>Firing alerts (${snapshot.firingAlerts.length})</h2>${alertsTable(snapshot.firingAlerts, 'Nothing is firing.')}
<h2>Baselines vs current</h2>${seriesTable(snapshot.series)}
<h2>Recent alerts</h2>${alertsTable(snapshot.recentAlerts, 'No alert has fired or resolved yet.')}
<h2>Findings</h2>${findings}
</body></html>
`;
}
