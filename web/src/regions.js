// A card per region: healthy/total in its header and one cell per service, coloured by the
// worst status of the service's endpoints, with their average response time
// (GET /api/v1/regions, or the stream's `regions`).

import { el } from './dom.js';
import { formatMs, formatServiceName, statusIcon, statusLabel } from './format.js';

function serviceCell(service) {
  const status = service.status ?? 'pending';
  const name = formatServiceName(service.service, service.display_name);
  return el('div', {
    class: `service-cell ${status}`,
    dataset: { service: service.service, status },
    title: `${name}: ${statusLabel(service.status)}, ${service.healthy ?? 0}/${service.endpoints ?? 0} endpoints healthy`,
  },
  el('span', { class: 'icon', 'aria-hidden': 'true' }, statusIcon(service.status)),
  el('span', { class: 'service-name' }, name),
  el('span', { class: 'service-latency' }, formatMs(service.average_latency_ms)));
}

export function renderRegions(regions) {
  const root = document.getElementById('regions');
  if (!regions.length) {
    root.replaceChildren(el('p', { class: 'empty' }, 'No regions configured'));
    return;
  }
  root.replaceChildren(...regions.map((region) => {
    const status = region.status ?? 'pending';
    return el('article', { class: `card region-card ${status}`, dataset: { region: region.region, status } },
      el('header', {},
        el('h3', {}, region.region),
        el('span', { class: 'region-health' }, `${region.healthy}/${region.total} Healthy`)),
      el('div', { class: 'services' }, (region.services ?? []).map(serviceCell)));
  }));
}
