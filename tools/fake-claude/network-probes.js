'use strict';
// What a sandboxed agent can see and reach, for the sandbox tests: prompt lines ask, stream events answer.
const http = require('node:http');
const net = require('node:net');

const TIMEOUT_MS = 3000;

/**
 * `fake-agent-env` prints the names of the agent's environment variables (values could be secrets);
 * each `fake-agent-fetch: <http url>` GETs the URL the way the CLI does (through `HTTP_PROXY` when set);
 * each `fake-agent-connect: <host>:<port>` opens a plain TCP connection, bypassing any proxy.
 * One `{"type":"system","subtype":"fake_probe",...}` line per probe, then `next()`.
 */
function runProbes(ctx, next) {
  const probes = [];
  if (/^\s*fake-agent-env\s*$/m.test(ctx.prompt)) {
    probes.push(async () => ({ probe: 'env', names: Object.keys(process.env).sort() }));
  }
  for (const m of ctx.prompt.matchAll(/^\s*fake-agent-fetch:\s*(\S+)\s*$/gm)) probes.push(() => fetchProbe(m[1]));
  for (const m of ctx.prompt.matchAll(/^\s*fake-agent-connect:\s*(\S+):(\d+)\s*$/gm)) {
    probes.push(() => connectProbe(m[1], Number(m[2])));
  }
  if (probes.length === 0) return next();
  (async () => {
    for (const probe of probes) {
      const result = await probe().catch((err) => ({ probe: 'error', ok: false, error: String(err.stack) }));
      ctx.emit({ type: 'system', subtype: 'fake_probe', ...result, session_id: ctx.sessionId });
    }
  })().then(next, next);
  return undefined;
}

function fetchProbe(url) {
  const proxy = process.env.HTTP_PROXY || process.env.http_proxy;
  return new Promise((resolve) => {
    const done = (result) => resolve({ probe: 'fetch', target: url, via: proxy ? 'proxy' : 'direct', ...result });
    let options;
    if (proxy) {
      const p = new URL(proxy);
      const auth = p.username
        ? {
            'proxy-authorization': `Basic ${Buffer.from(`${decodeURIComponent(p.username)}:${decodeURIComponent(p.password)}`).toString('base64')}`,
          }
        : {};
      options = {
        host: p.hostname,
        port: Number(p.port || 80),
        path: url,
        headers: { host: new URL(url).host, ...auth },
      };
    } else {
      const u = new URL(url);
      options = { host: u.hostname, port: Number(u.port || 80), path: `${u.pathname}${u.search}` };
    }
    const req = http.get({ ...options, timeout: TIMEOUT_MS }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => done({ ok: res.statusCode === 200, status: res.statusCode, body: body.slice(0, 200) }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (err) => done({ ok: false, error: err.code || err.message }));
  });
}

function connectProbe(host, port) {
  return new Promise((resolve) => {
    const done = (result) => {
      socket.destroy();
      resolve({ probe: 'connect', target: `${host}:${port}`, via: 'direct', ...result });
    };
    const socket = net.connect({ host, port, timeout: TIMEOUT_MS });
    socket.on('connect', () => done({ ok: true }));
    socket.on('timeout', () => done({ ok: false, error: 'timeout' }));
    socket.on('error', (err) => done({ ok: false, error: err.code || err.message }));
  });
}

module.exports = { runProbes };
