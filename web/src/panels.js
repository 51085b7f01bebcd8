// The alerts panel (GET /api/v1/alerts), a failover panel per application
// (GET /api/v1/applications) with approve / roll back buttons, the API token box and
// "Probe now". Alerting and the failover controller land later: their fields are shown
// when present and as placeholders otherwise.

import { api, getToken, setToken } from './api.js';
import { el } from './dom.js';
import { formatClock } from './format.js';

// A field of unknown shape as text: strings as they are, objects by name or as JSON.
function describe(value) {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value !== 'object') return String(value);
  // A plan of the failover journal: "#4 failover us-east-1 → us-west-2: completed".
  if (value.kind && value.from && value.to)
    return `#${value.generation} ${value.kind} ${value.from} → ${value.to}: ${value.state}`;
  return value.name ?? value.description ?? value.message ?? JSON.stringify(value);
}

function describeList(values) {
  if (!Array.isArray(values) || !values.length) return '—';
  return el('ol', {}, values.map((v) => el('li', {}, describe(v), v?.status ? ` (${v.status})` : '')));
}

export function renderAlerts(alerts) {
  const root = document.getElementById('alerts');
  if (!alerts.length) {
    root.replaceChildren(el('li', { class: 'empty' }, 'No active alerts'));
    return;
  }
  root.replaceChildren(...alerts.map((alert) => {
    // The shape of docs/api.md's alert: severity, state, summary, active_since, resolved_at.
    const severity = alert.severity ?? 'warning';
    const at = alert.active_since ?? alert.fired_at;
    const state = alert.state && alert.state !== 'firing' ? ` (${alert.state})` : '';
    return el('li', { class: `alert ${severity}`, dataset: { severity } },
      el('span', { class: `badge ${severity}` }, severity.toUpperCase()),
      el('span', { class: 'alert-text' }, describe(alert.summary ?? alert.rule ?? alert), state),
      at ? el('span', { class: 'muted' }, ` since ${formatClock(at)}`) : null);
  }));
}

function showResult(ok, text) {
  const node = document.getElementById('action-result');
  node.hidden = false;
  node.className = `action-result ${ok ? 'ok' : 'failed'}`;
  node.textContent = text;
}

// Runs a POST and shows what came back; a failure shows the API's error JSON.
async function runAction(label, call) {
  showResult(true, `${label}…`);
  try {
    const body = await call();
    showResult(true, `${label}: ${body ? JSON.stringify(body) : 'done'}`);
  } catch (error) {
    showResult(false, `${label} failed: ${error.body ? JSON.stringify(error.body) : error.message}`);
  }
}

function applicationPanel(app) {
  const name = app.name ?? app.application ?? app.id;
  const field = (label, value) => [el('dt', {}, label), el('dd', {}, value)];
  return el('article', { class: 'app', dataset: { app: name } },
    el('header', {},
      el('h3', {}, name),
      el('span', { class: 'app-state' }, describe(app.state))),
    el('dl', {},
      field('Active region', describe(app.active_region ?? app.primary)),
      field('Plan', describe(app.plan)),
      field('Steps', describeList(app.steps ?? app.plan?.steps)),
      // Where the running plan's time goes, or where the last one's went (docs/api.md `recovery`):
      // "recovered in 41 s: detect 3 s, decide 0 s, scale 30 s, traffic 4 s, verify 4 s".
      field('Recovery', app.recovery?.text
        ? el('span', { class: 'recovery', dataset: { generation: String(app.recovery.generation) } },
          `#${app.recovery.generation} ${app.recovery.text}`)
        : '—'),
      field('History', describeList(app.history))),
    el('div', { class: 'actions' },
      el('button', { type: 'button', dataset: { action: 'approve' },
        onclick: () => runAction(`Approve ${name}`, () => api.approve(name)) }, 'Approve'),
      el('button', { type: 'button', dataset: { action: 'rollback' }, class: 'danger',
        onclick: () => runAction(`Roll back ${name}`, () => api.rollback(name)) }, 'Roll back')));
}

export function renderApplications(applications) {
  const root = document.getElementById('applications');
  root.replaceChildren(...(applications.length
    ? applications.map(applicationPanel)
    : [el('p', { class: 'empty' }, 'No applications configured')]));
}

export function setUpActions() {
  const form = document.getElementById('token-form');
  const input = document.getElementById('token');
  input.value = getToken();
  input.addEventListener('change', () => setToken(input.value.trim()));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    setToken(input.value.trim());
    showResult(true, input.value.trim() ? 'Token saved for this tab' : 'Token cleared');
  });
  document.getElementById('probe-now').addEventListener('click', () => runAction('Probe now', api.probeNow));
}
