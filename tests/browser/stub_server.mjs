// A stand-in for the daemon's HTTP API (docs/api.md), for working on the dashboard without
// building regionguard: it serves web/dist/ and made-up rounds of the seed's 21 endpoints, one
// a second, over REST and the WebSocket stream. For development only; the browser test in
// ctest runs against the real daemon.
//
//   node tests/browser/stub_server.mjs [--port 8080] [--token dashboard-test-token] [--dir DIR] [--apps]
//
// With --dir it answers the browser test's fault requests the way the C++ test does: when
// DIR/set-fault appears, dynamodb.us-east-1 starts failing with nodata and DIR/fault-set is
// written. --apps lists one made-up application in /api/v1/applications.

import { createServer } from 'node:http';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { WebSocketServer } from 'ws';

const { values: options } = parseArgs({
  options: {
    port: { type: 'string', default: '8080' },
    token: { type: 'string', default: 'dashboard-test-token' },
    dir: { type: 'string' },
    apps: { type: 'boolean', default: false },
    'web-root': { type: 'string', default: fileURLToPath(new URL('../../web/dist', import.meta.url)) },
  },
});

const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1'];
const SERVICES = [
  ['dynamodb', 'DYNAMODB', 'dynamodb', 50, 100], ['dynamodb_streams', 'DYNAMODB STREAMS', 'streams.dynamodb', 50, 100],
  ['rds', 'RDS', 'rds', 100, 200], ['lambda', 'LAMBDA', 'lambda', 100, 200], ['ec2', 'EC2', 'ec2', 100, 200],
  ['elb', 'ELBV2', 'elasticloadbalancing', 100, 200], ['s3', 'S3', 's3', 100, 200],
];
const endpoints = REGIONS.flatMap((region, r) => SERVICES.map(([service, display, prefix, healthy, warning], s) => ({
  id: `${prefix}.${region}.amazonaws.com`, hostname: `${prefix}.${region}.amazonaws.com`, kind: 'dns',
  service, service_display: display, region, healthy, warning, address: `192.0.2.${r * 10 + s + 1}`,
  probes: 0, successes: 0, result: null,
})));
let faulty = new Set();
let round = 0;
let updatedAt = null;
const rounds = [];  // {at, healthy, warning, critical}

function classify(endpoint, latency, failed) {
  if (failed) return 'critical';
  return latency <= endpoint.healthy ? 'healthy' : latency <= endpoint.warning ? 'warning' : 'critical';
}

function probeRound() {
  round += 1;
  updatedAt = new Date().toISOString();
  for (const e of endpoints) {
    const failed = faulty.has(e.id);
    const latency = failed ? 1.2 : e.id.startsWith('streams.') ? 40 + Math.random() * 30 : 2 + Math.random() * 30;
    e.probes += 1;
    if (!failed) e.successes += 1;
    e.result = {
      status: classify(e, latency, failed), success: !failed, failure: failed ? 'nodata' : 'none',
      error: failed ? 'NOERROR with no A records' : '', latency_ms: latency, address: failed ? '' : e.address,
      answers: failed ? [] : [{ type: 'A', data: e.address, ttl: 60 }], last_check: updatedAt,
    };
  }
  const count = (status) => endpoints.filter((e) => e.result.status === status).length;
  rounds.push({ at: updatedAt, healthy: count('healthy'), warning: count('warning'), critical: count('critical') });
  broadcast({ type: 'round', ...state() });
}

function endpointJson(e) {
  const r = e.result ?? { status: null, success: null, failure: null, error: '', latency_ms: null, address: '', answers: [], last_check: null };
  return {
    id: e.id, kind: e.kind, hostname: e.hostname, service: e.service, service_display: e.service_display, region: e.region,
    ...r, rcode: 0, used_tcp: false, warnings: [], http: null,
    uptime_percent: e.probes ? (100 * e.successes) / e.probes : null,
  };
}

const RANK = { healthy: 0, warning: 1, critical: 2 };
const worst = (list) => list.reduce((w, s) => (s && (w === null || RANK[s] > RANK[w]) ? s : w), null);

function regionsJson() {
  return REGIONS.map((region) => {
    const mine = endpoints.filter((e) => e.region === region).map(endpointJson);
    return {
      region, healthy: mine.filter((e) => e.status === 'healthy').length, total: mine.length,
      status: worst(mine.map((e) => e.status)),
      services: mine.map((e) => ({
        service: e.service, display_name: e.service_display, status: e.status, average_latency_ms: e.latency_ms,
        endpoints: 1, healthy: e.status === 'healthy' ? 1 : 0,
      })),
    };
  });
}

function summaryJson() {
  const list = endpoints.map(endpointJson);
  const probes = endpoints.reduce((n, e) => n + e.probes, 0);
  const successes = endpoints.reduce((n, e) => n + e.successes, 0);
  const latencies = list.filter((e) => e.latency_ms !== null).map((e) => e.latency_ms);
  return {
    round, updated_at: updatedAt, total: list.length,
    healthy: round ? list.filter((e) => e.status === 'healthy').length : 0,
    warning: list.filter((e) => e.status === 'warning').length,
    critical: list.filter((e) => e.status === 'critical').length,
    average_latency_ms: latencies.length ? latencies.reduce((a, b) => a + b, 0) / latencies.length : null,
    uptime_percent: probes ? (100 * successes) / probes : null, uptime_window_hours: 24,
    regions: regionsJson().map(({ services, ...r }) => r),
  };
}

const state = () => ({ summary: summaryJson(), regions: regionsJson(), endpoints: endpoints.map(endpointJson), trend: rounds.slice(-20) });

const APPLICATIONS = [{
  name: 'checkout', state: 'primary_healthy', active_region: 'us-east-1',
  plan: { name: 'us-east-1 → us-west-2' }, steps: [{ name: 'Promote RDS replica', status: 'pending' }], history: [],
  recovery: { generation: 1, outcome: 'recovered', running: false, resumed: false, total_ms: 41000,
    text: 'recovered in 41 s: detect 3 s, decide 0 s, readiness 1 s, scale 30 s, traffic 4 s, verify 2 s, settle 1 s' },
}];

function send(res, status, body, headers = {}) {
  res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...headers });
  res.end(JSON.stringify(body));
}
const error = (res, status, code, message, headers) => send(res, status, { error: { code, message } }, headers);

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.png': 'image/png', '.svg': 'image/svg+xml' };

function serveStatic(res, pathname) {
  const root = resolve(options['web-root']);
  const file = join(root, normalize(pathname === '/' ? '/index.html' : pathname));
  if (!file.startsWith(root) || !existsSync(file) || !statSync(file).isFile()) return error(res, 404, 'not_found', `no file ${pathname}`);
  res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' });
  res.end(readFileSync(file));
}

function authorized(req) {
  return req.headers.authorization === `Bearer ${options.token}`;
}

const server = createServer((req, res) => {
  const url = new URL(req.url, 'http://stub');
  const path = url.pathname;
  if (req.method === 'POST') {
    if (!authorized(req)) return error(res, 401, 'unauthorized', 'missing or wrong bearer token', { 'WWW-Authenticate': 'Bearer' });
    if (path === '/api/v1/probe') { setImmediate(probeRound); return send(res, 202, { accepted: true }); }
    const failover = path.match(/^\/api\/v1\/failover\/([^/]+)\/(approve|rollback)$/);
    if (failover) return error(res, 404, 'not_found', `failover is not implemented in the stub (${failover[2]} ${decodeURIComponent(failover[1])})`);
    return error(res, 404, 'not_found', `no route ${path}`);
  }
  if (req.method !== 'GET') return error(res, 405, 'method_not_allowed', 'GET or POST', { Allow: 'GET, POST' });
  switch (path) {
    case '/healthz': return send(res, 200, { status: 'ok' });
    case '/readyz': return round ? send(res, 200, { status: 'ok' }) : error(res, 503, 'unavailable', 'no round yet');
    case '/api/v1/summary': return send(res, 200, summaryJson());
    case '/api/v1/regions': return send(res, 200, regionsJson());
    case '/api/v1/endpoints': return send(res, 200, endpoints.map(endpointJson));
    case '/api/v1/alerts': return send(res, 200, []);
    case '/api/v1/applications': return send(res, 200, options.apps ? APPLICATIONS : []);
    case '/api/v1/cluster': return send(res, 200, { clustered: false });
    case '/api/v1/trends': {
      if (url.searchParams.has('from')) {
        const from = Date.parse(url.searchParams.get('from'));
        return send(res, 200, rounds.filter((p) => Date.parse(p.at) >= from));
      }
      return send(res, 200, rounds.slice(-Number(url.searchParams.get('rounds') ?? 20)));
    }
    default: return serveStatic(res, path);
  }
});

const sockets = new WebSocketServer({ server, path: '/api/v1/stream' });
sockets.on('connection', (socket) => socket.send(JSON.stringify({ type: 'snapshot', ...state() })));
function broadcast(message) {
  const text = JSON.stringify(message);
  for (const client of sockets.clients) client.send(text);
}

if (options.dir) {
  setInterval(() => {
    if (faulty.size || !existsSync(join(options.dir, 'set-fault'))) return;
    faulty = new Set(['dynamodb.us-east-1.amazonaws.com']);
    writeFileSync(join(options.dir, 'fault-set'), 'nodata\n');
  }, 100);
}

server.listen(Number(options.port), '127.0.0.1', () => {
  console.log(`stub_server: http://127.0.0.1:${server.address().port}/ (token ${options.token})`);
  setTimeout(probeRound, 300);
  setInterval(probeRound, 1000);
});
