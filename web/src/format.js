// How values read on the dashboard: the seed's table ("17.7ms", "99.9%", "18:18:09").

export const STATUSES = ['healthy', 'warning', 'critical'];

// Worse statuses rank higher; an endpoint not probed yet ranks below healthy.
export function statusRank(status) {
  return status ? STATUSES.indexOf(status) : -1;
}

export function statusLabel(status) {
  return status ? status.toUpperCase() : 'PENDING';
}

export function statusIcon(status) {
  return { healthy: '✔', warning: '⚠', critical: '✖' }[status] ?? '…';
}

export function formatMs(ms) {
  return typeof ms === 'number' && Number.isFinite(ms) ? `${ms.toFixed(1)}ms` : '-';
}

export function formatPercent(percent, digits = 1) {
  return typeof percent === 'number' && Number.isFinite(percent) ? `${percent.toFixed(digits)}%` : '-';
}

// Local wall-clock time of an ISO 8601 timestamp, as HH:MM:SS.
export function formatClock(iso) {
  if (!iso) return '-';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '-';
  return date.toLocaleTimeString([], { hourCycle: 'h23', hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

export function formatServiceName(service, displayName) {
  return displayName || (service ?? '').toUpperCase();
}
