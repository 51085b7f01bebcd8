// The summary cards (GET /api/v1/summary, or the stream's `summary`) and the round line.

import { setText } from './dom.js';
import { formatClock, formatMs, formatPercent } from './format.js';

export function renderSummary(summary) {
  const root = document.getElementById('summary');
  const value = (metric, text) => setText(root, `[data-metric="${metric}"] .value`, text);
  value('total', String(summary.total ?? 0));
  value('healthy', String(summary.healthy ?? 0));
  value('warning', String(summary.warning ?? 0));
  value('critical', String(summary.critical ?? 0));
  value('uptime', formatPercent(summary.uptime_percent, 2));
  value('latency', formatMs(summary.average_latency_ms));
  const hours = summary.uptime_window_hours;
  setText(root, '[data-metric="uptime"] .note', hours ? `of probes, last ${hours} h` : '');
  root.dataset.round = String(summary.round ?? 0);

  const round = document.getElementById('round');
  round.textContent = summary.round
    ? `Round ${summary.round} · ${formatClock(summary.updated_at)}`
    : 'waiting for the first round';
}

const CONNECTION_LABELS = { connecting: 'Connecting…', connected: 'Connected', disconnected: 'Disconnected' };

export function renderConnection(state) {
  const node = document.getElementById('connection');
  node.dataset.state = state;
  node.querySelector('.label').textContent = CONNECTION_LABELS[state] ?? state;
}
