// The daemon's REST API (docs/api.md), same origin. The bearer token lives in sessionStorage
// for this tab only and goes with every request once set (reads need it when
// server.auth_reads is on; state-changing operations always do).

const TOKEN_KEY = 'regionguard.token';

export function getToken() {
  return sessionStorage.getItem(TOKEN_KEY) ?? '';
}

export function setToken(token) {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
}

function headers() {
  const token = getToken();
  return token ? { Authorization: `Bearer ${token}` } : {};
}

// The error a failed request reports: the API's {"error": {code, message}} when there is one.
export class ApiError extends Error {
  constructor(status, body) {
    const detail = body?.error ? `${body.error.code}: ${body.error.message}` : (typeof body === 'string' ? body : '');
    super(`HTTP ${status}${detail ? ` ${detail}` : ''}`);
    this.status = status;
    this.body = body;
  }
}

async function request(method, path, body) {
  const init = { method, headers: headers(), cache: 'no-store' };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  const text = await response.text();
  let parsed = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    // not JSON: keep the text for the error message
  }
  if (!response.ok) throw new ApiError(response.status, parsed);
  return parsed;
}

export const api = {
  summary: () => request('GET', '/api/v1/summary'),
  regions: () => request('GET', '/api/v1/regions'),
  endpoints: () => request('GET', '/api/v1/endpoints'),
  trendRounds: (rounds) => request('GET', `/api/v1/trends?rounds=${rounds}`),
  trendRange: (from, to, step) =>
    request('GET', `/api/v1/trends?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}&step=${step}`),
  alerts: () => request('GET', '/api/v1/alerts'),
  applications: () => request('GET', '/api/v1/applications'),
  cluster: () => request('GET', '/api/v1/cluster'),
  probeNow: () => request('POST', '/api/v1/probe'),
  approve: (app) => request('POST', `/api/v1/failover/${encodeURIComponent(app)}/approve`),
  rollback: (app) => request('POST', `/api/v1/failover/${encodeURIComponent(app)}/rollback`),
};
