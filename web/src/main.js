// Wires the dashboard together: a first load over REST, then the live stream; while the stream
// is down the REST load repeats, so the page stays current through a proxy without WebSockets.

import { api } from './api.js';
import { connectStream } from './stream.js';
import { renderConnection, renderSummary } from './summary.js';
import { renderRegions } from './regions.js';
import { createTrends } from './trends.js';
import { createEndpointsTable } from './endpoints_table.js';
import { renderAlerts, renderApplications, setUpActions } from './panels.js';
import { loadCluster } from './cluster.js';

const POLL_WHILE_DISCONNECTED_MS = 5000;
const PANELS_REFRESH_MS = 5000;

const trends = createTrends();
const table = createEndpointsTable();
let streamMessages = 0;  // a REST load that a stream message overtook is dropped
let connection = 'connecting';
let panelsLoadedAt = 0;

// A round's data, from REST or the stream.
function show({ summary, regions, endpoints, trend }) {
  table.setEndpoints(endpoints);
  renderSummary(summary);
  renderRegions(regions ?? []);
  if (trend) trends.setLive(trend);
}

function showLoadError(error) {
  document.getElementById('round').textContent = `API unreachable: ${error.message}`;
}

async function loadAll() {
  const seen = streamMessages;
  try {
    const [summary, regions, endpoints, trend] = await Promise.all(
      [api.summary(), api.regions(), api.endpoints(), api.trendRounds(20)]);
    if (seen === streamMessages) show({ summary, regions, endpoints, trend });
  } catch (error) {
    showLoadError(error);
  }
}

function loadPanels() {
  panelsLoadedAt = Date.now();
  api.alerts().then(renderAlerts, (error) => console.warn('regionguard: alerts', error));
  api.applications().then(renderApplications, (error) => console.warn('regionguard: applications', error));
  loadCluster();
}

setUpActions();
renderConnection(connection);
loadAll();
loadPanels();

connectStream({
  onState(state) {
    connection = state;
    renderConnection(state);
  },
  onMessage(message) {
    if (message.type !== 'snapshot' && message.type !== 'round') return;
    streamMessages += 1;
    show(message);
    if (Date.now() - panelsLoadedAt >= PANELS_REFRESH_MS) loadPanels();
  },
});

setInterval(() => {
  if (connection === 'connected') return;
  loadAll();
  loadPanels();
}, POLL_WHILE_DISCONNECTED_MS);
