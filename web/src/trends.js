// System Health Trends: endpoints per state over time, drawn with uPlot. "20 rounds" follows the
// stream's `trend`; "1 h" and "24 h" come from the store (GET /api/v1/trends?from&to&step) and
// refresh every minute. Hovering shows a tooltip with the counts at that time.

import uPlot from './vendor/uPlot.esm.js';
import { api } from './api.js';
import { el } from './dom.js';
import { formatClock } from './format.js';

const HISTORY = {
  '1h': { seconds: 3600, step: '60s' },
  '24h': { seconds: 86400, step: '10m' },
};
const HISTORY_REFRESH_MS = 60000;
const SERIES = [
  { key: 'healthy', label: 'Healthy', color: '#2e9d57' },
  { key: 'warning', label: 'Warning', color: '#e58a00' },
  { key: 'critical', label: 'Critical', color: '#d93838' },
];

function toColumns(points) {
  const valid = points.filter((p) => !Number.isNaN(Date.parse(p.at)));
  return [
    valid.map((p) => Date.parse(p.at) / 1000),
    ...SERIES.map(({ key }) => valid.map((p) => p[key] ?? 0)),
  ];
}

function tooltipPlugin() {
  let tip;
  return {
    hooks: {
      init(u) {
        tip = el('div', { class: 'chart-tooltip', role: 'tooltip', hidden: true });
        u.over.append(tip);
        u.over.addEventListener('mouseleave', () => { tip.hidden = true; });
      },
      setCursor(u) {
        const i = u.cursor.idx;
        if (i === null || i === undefined || u.data[0][i] === undefined) {
          tip.hidden = true;
          return;
        }
        tip.replaceChildren(
          el('div', { class: 'tip-time' }, formatClock(new Date(u.data[0][i] * 1000).toISOString())),
          ...SERIES.map(({ key, label }, s) =>
            el('div', { class: `tip-row ${key}`, dataset: { series: key } }, `${label}: ${u.data[s + 1][i]}`)));
        tip.hidden = false;
        const left = u.valToPos(u.data[0][i], 'x');
        const flip = left > u.over.clientWidth / 2;
        tip.style.left = flip ? '' : `${left + 12}px`;
        tip.style.right = flip ? `${u.over.clientWidth - left + 12}px` : '';
        tip.style.top = `${Math.max(0, (u.cursor.top ?? 0) - 20)}px`;
      },
    },
  };
}

function chartOptions(width) {
  return {
    width,
    height: 240,
    plugins: [tooltipPlugin()],
    cursor: { drag: { x: false, y: false }, points: { size: 7 } },
    legend: { show: false },  // the page's own key below the chart wraps on narrow screens
    scales: { y: { range: (u, min, max) => [0, Math.max(1, max)] } },
    axes: [
      {
        stroke: '#5b6472', grid: { stroke: '#eceff3' }, space: 70,
        incrs: [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600],
        values: (u, splits) => splits.map((v) => formatClock(new Date(v * 1000).toISOString())),
      },
      { stroke: '#5b6472', grid: { stroke: '#eceff3' }, incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000], size: 40 },
    ],
    series: [
      { label: 'Time', value: (u, v) => (v === null ? '-' : formatClock(new Date(v * 1000).toISOString())) },
      ...SERIES.map(({ label, color }) => ({
        label, stroke: color, width: 2, fill: `${color}14`, points: { show: true, size: 4 },
      })),
    ],
  };
}

export function createTrends() {
  const container = document.getElementById('trend-chart');
  const message = document.getElementById('trend-message');
  const buttons = [...document.querySelectorAll('#trend-range button')];
  const chart = new uPlot(chartOptions(container.clientWidth || 600), toColumns([]), container);
  let range = 'rounds';
  let live = [];
  let refreshTimer = null;

  new ResizeObserver(() => chart.setSize({ width: container.clientWidth, height: 240 })).observe(container);

  function draw(points, emptyText) {
    chart.setData(toColumns(points));
    container.dataset.points = String(points.length);
    message.hidden = points.length > 0;
    message.textContent = points.length ? '' : emptyText;
  }

  async function loadHistory(selected) {
    const { seconds, step } = HISTORY[selected];
    const to = new Date();
    const from = new Date(to.getTime() - seconds * 1000);
    try {
      const points = await api.trendRange(from.toISOString(), to.toISOString(), step);
      if (range === selected) draw(points, 'No history in this range yet');
    } catch (error) {
      if (range === selected) draw([], `Could not load the history: ${error.message}`);
    }
  }

  function select(selected) {
    range = selected;
    clearInterval(refreshTimer);
    refreshTimer = null;
    for (const button of buttons) button.setAttribute('aria-pressed', String(button.dataset.range === selected));
    container.dataset.range = selected;
    if (selected === 'rounds') {
      draw(live, 'No rounds yet');
    } else {
      loadHistory(selected);
      refreshTimer = setInterval(() => loadHistory(selected), HISTORY_REFRESH_MS);
    }
  }

  for (const button of buttons) button.addEventListener('click', () => select(button.dataset.range));
  select('rounds');

  return {
    // The last rounds, oldest first ([{at, healthy, warning, critical}]).
    setLive(points) {
      live = points ?? [];
      if (range === 'rounds') draw(live, 'No rounds yet');
    },
  };
}
