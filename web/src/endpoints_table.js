// Endpoint Details: one row per endpoint (GET /api/v1/endpoints, or the stream's `endpoints`),
// sortable by clicking a header (ascending, then descending) and filtered by a text box and the
// status and region selects. A failure shows its kind and error on a line under the endpoint.

import { el } from './dom.js';
import {
  formatClock, formatMs, formatPercent, formatServiceName, statusIcon, statusLabel, statusRank,
} from './format.js';

const displayName = (e) => formatServiceName(e.service, e.service_display);
const address = (e) => e.address || e.http?.remote_address || '';
const shownLatency = (e) => (e.success ? e.latency_ms : null);

// What a row sorts by, per column (data-key of its <th>); null sorts last either way.
const SORT_VALUES = {
  status: (e) => statusRank(e.status),
  service: displayName,
  region: (e) => e.region,
  hostname: (e) => e.hostname || e.id,
  latency: shownLatency,
  address: (e) => address(e) || null,
  uptime: (e) => e.uptime_percent,
  last_check: (e) => (e.last_check ? Date.parse(e.last_check) : null),
};

function compare(a, b) {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b), undefined, { numeric: true });
}

// "nodata: NOERROR with no A records", and any warnings (e.g. a certificate about to expire).
function detailLines(endpoint) {
  const lines = [];
  if (endpoint.status && endpoint.success === false) {
    lines.push({ kind: 'failure', text: [endpoint.failure, endpoint.error].filter(Boolean).join(': ') || 'failed' });
  }
  for (const warning of endpoint.warnings ?? []) {
    lines.push({ kind: 'warning', text: typeof warning === 'string' ? warning : warning.message ?? JSON.stringify(warning) });
  }
  return lines;
}

function row(endpoint) {
  const status = endpoint.status ?? 'pending';
  const details = detailLines(endpoint);
  const tooltip = details.map((d) => d.text).join('\n') || undefined;
  return el('tr', { dataset: { id: endpoint.id, status }, class: status },
    el('td', { 'data-col': 'status' },
      el('span', { class: `badge ${status}` },
        el('span', { class: 'icon', 'aria-hidden': 'true' }, statusIcon(endpoint.status)), statusLabel(endpoint.status))),
    el('td', { 'data-col': 'service' }, displayName(endpoint)),
    el('td', { 'data-col': 'region' }, endpoint.region ?? ''),
    el('td', { 'data-col': 'endpoint', class: 'endpoint', title: tooltip },
      el('div', { class: 'hostname' }, endpoint.hostname || endpoint.id),
      details.map((d) => el('div', { class: `detail ${d.kind}` }, d.text))),
    el('td', { 'data-col': 'latency', class: 'num' }, formatMs(shownLatency(endpoint))),
    el('td', { 'data-col': 'address' }, address(endpoint) || '-'),
    el('td', { 'data-col': 'uptime', class: 'num' }, formatPercent(endpoint.uptime_percent)),
    el('td', { 'data-col': 'last_check', title: endpoint.last_check ?? undefined }, formatClock(endpoint.last_check)));
}

function matchesText(endpoint, text) {
  if (!text) return true;
  const haystack = [endpoint.id, endpoint.hostname, endpoint.service, displayName(endpoint), endpoint.region,
    address(endpoint), endpoint.failure, endpoint.error].filter(Boolean).join(' ').toLowerCase();
  return text.toLowerCase().split(/\s+/).every((word) => haystack.includes(word));
}

export function createEndpointsTable() {
  const table = document.getElementById('endpoints');
  const body = table.querySelector('tbody');
  const count = document.getElementById('endpoints-count');
  const textFilter = document.getElementById('filter-text');
  const statusFilter = document.getElementById('filter-status');
  const regionFilter = document.getElementById('filter-region');
  let endpoints = [];
  let sort = { key: null, direction: 1 };

  function updateRegionOptions() {
    const regions = [...new Set(endpoints.map((e) => e.region).filter(Boolean))].sort();
    const current = [...regionFilter.options].slice(1).map((o) => o.value);
    if (current.join() === regions.join()) return;
    const selected = regionFilter.value;
    regionFilter.replaceChildren(el('option', { value: '' }, 'All regions'),
      ...regions.map((r) => el('option', { value: r }, r)));
    regionFilter.value = regions.includes(selected) ? selected : '';
  }

  function render() {
    const text = textFilter.value.trim();
    const status = statusFilter.value;
    const region = regionFilter.value;
    let shown = endpoints.filter((e) => (!status || (e.status ?? 'pending') === status)
      && (!region || e.region === region) && matchesText(e, text));
    if (sort.key) {
      const value = SORT_VALUES[sort.key];
      shown = shown.map((e, i) => ({ e, i, v: value(e) }))
        .sort((a, b) => {
          if (a.v === null || a.v === undefined) return b.v === null || b.v === undefined ? a.i - b.i : 1;
          if (b.v === null || b.v === undefined) return -1;
          return sort.direction * compare(a.v, b.v) || a.i - b.i;
        })
        .map(({ e }) => e);
    }
    body.replaceChildren(...(shown.length
      ? shown.map(row)
      : [el('tr', { class: 'empty-row' }, el('td', { colspan: '8', class: 'empty' },
        endpoints.length ? 'No endpoint matches the filters' : 'No endpoints yet'))]));
    count.textContent = `Showing ${shown.length} of ${endpoints.length} endpoints`;
  }

  for (const th of table.querySelectorAll('th[data-key]')) {
    th.querySelector('button').addEventListener('click', () => {
      const key = th.dataset.key;
      sort = { key, direction: sort.key === key ? -sort.direction : 1 };
      for (const other of table.querySelectorAll('th[data-key]')) other.setAttribute('aria-sort', 'none');
      th.setAttribute('aria-sort', sort.direction > 0 ? 'ascending' : 'descending');
      render();
    });
  }
  textFilter.addEventListener('input', render);
  statusFilter.addEventListener('change', render);
  regionFilter.addEventListener('change', render);

  return {
    setEndpoints(list) {
      endpoints = list ?? [];
      updateRegionOptions();
      render();
    },
  };
}
