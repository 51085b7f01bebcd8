// The cluster panel (GET /api/v1/cluster, issue 17): the agents — which one leads, when each
// last probed, whether it runs the same applications — and, per application, the vantage ×
// region matrix of verdicts, so "who sees what" is one glance. Hidden when the daemon runs alone
// (the API answers {"clustered": false}).

import { api } from './api.js';
import { el } from './dom.js';

function age(seconds) {
  if (seconds === null || seconds === undefined) return 'no round yet';
  return seconds < 1 ? 'just now' : `${seconds.toFixed(0)} s ago`;
}

function agentsTable(cluster) {
  return el('table', { class: 'cluster-agents' },
    el('thead', {}, el('tr', {}, el('th', {}, 'Agent'), el('th', {}, 'Role'), el('th', {}, 'Last round'),
      el('th', {}, 'Configuration'))),
    el('tbody', {}, cluster.agents.map((agent) => el('tr', { dataset: { agent: agent.name } },
      el('td', {}, agent.name, agent.self ? el('span', { class: 'muted' }, ' (this agent)') : null),
      el('td', { class: agent.leader ? 'leader' : '' }, agent.leader ? 'leader' : 'follower'),
      el('td', {}, age(agent.last_round_age_s)),
      el('td', { class: agent.agrees ? '' : 'failing' }, agent.agrees ? 'same' : `differs (${agent.digest})`)))));
}

// One table per application: a row per vantage point, a column per region.
function matrices(cluster) {
  const byApp = new Map();
  for (const view of cluster.views) {
    if (!byApp.has(view.application)) byApp.set(view.application, new Map());
    const rows = byApp.get(view.application);
    if (!rows.has(view.vantage)) rows.set(view.vantage, []);
    rows.get(view.vantage).push(view);
  }
  return [...byApp].map(([application, rows]) => {
    const regions = [...rows.values()][0].map((view) => view.region);
    return el('table', { class: 'cluster-matrix', dataset: { application } },
      el('caption', {}, `${application}: who sees what`),
      el('thead', {}, el('tr', {}, el('th', {}, 'Vantage'), regions.map((region) => el('th', {}, region)))),
      el('tbody', {}, [...rows].map(([vantage, views]) => el('tr', { dataset: { vantage } },
        el('th', {}, vantage),
        views.map((view) => {
          if (!view.reported) return el('td', { class: 'muted', dataset: { region: view.region } }, 'no fresh results');
          const text = `${view.failing ? 'failing' : 'ok'} · ${view.score.toFixed(0)}`;
          return el('td', { class: view.failing ? 'failing' : 'ok', dataset: { region: view.region } }, text);
        })))));
  });
}

export function renderCluster(cluster) {
  const section = document.getElementById('cluster');
  if (!cluster?.clustered) {
    section.hidden = true;
    return;
  }
  section.hidden = false;
  const leader = cluster.leader ? `${cluster.leader} leads` : 'no leader';
  document.getElementById('cluster-leader').textContent =
    `${leader} · ${cluster.etcd.ok ? 'etcd answers' : 'etcd does not answer'}`;
  document.getElementById('cluster-body').replaceChildren(
    cluster.warnings.length
      ? el('ul', { class: 'list cluster-warnings' }, cluster.warnings.map((w) => el('li', { class: 'alert warning' }, w)))
      : null,
    agentsTable(cluster),
    ...matrices(cluster));
}

export function loadCluster() {
  api.cluster().then(renderCluster, (error) => console.warn('regionguard: cluster', error));
}
