#!/usr/bin/env node
// Fills in the {{PLACEHOLDERS}} of deploy/systemd/*.service or deploy/launchd/*.plist for one machine
// and writes them to --out, ready to copy into /etc/systemd/system or /Library/LaunchDaemons.
// Plain Node (no build, no dependencies): it runs on a Mac or a Linux box before anything else does.
// Guide: docs/deployment.md.
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const USAGE = `usage: node deploy/render-deploy-files.js systemd|launchd --out DIR [options]
  --node PATH        node binary (default: the one running this script)
  --prefix DIR       the built checkout (default: this checkout)
  --user NAME        account the services run as (default: nightshift on Linux, agent on the Mac)
  --config FILE      nightshift.yaml (default: /etc/nightshift/nightshift.yaml)
  --data-dir DIR     working directory, the config's dataDir (default: /var/lib/nightshift; Mac: /Users/USER/nightshift)
  --host NAME        NIGHTSHIFT_HOST, a hosts[].name of the config (default: this machine's short name)
  --env-file FILE    NAME=value lines: REDIS_URL with its password, tokens (default: /etc/nightshift/nightshift.env)
                     systemd reads it at start; launchd cannot, so its entries are copied into the plists (written 0600)
  --primary USER@HOST   launchd: the Linux host the SSH tunnel to Redis goes to (required)
  --log-dir DIR      launchd: where the services' output goes (default: /Library/Logs/Nightshift)
  --home DIR         launchd: the user's home, for CLAUDE_CONFIG_DIR (default: /Users/USER)`;

class UsageError extends Error {}

function parseArgs(argv) {
  const [target, ...rest] = argv;
  if (target !== 'systemd' && target !== 'launchd') throw new UsageError('say what to render: systemd or launchd');
  const opts = {};
  for (let i = 0; i < rest.length; i += 2) {
    const flag = rest[i];
    const value = rest[i + 1];
    if (!flag.startsWith('--') || value === undefined || value.startsWith('--'))
      throw new UsageError(`${flag} needs a value`);
    opts[flag.slice(2)] = value;
  }
  const known = [
    'out',
    'node',
    'prefix',
    'user',
    'config',
    'data-dir',
    'host',
    'env-file',
    'primary',
    'log-dir',
    'home',
  ];
  for (const key of Object.keys(opts)) if (!known.includes(key)) throw new UsageError(`unknown option --${key}`);
  if (!opts.out) throw new UsageError('--out DIR is required');
  return { target, opts };
}

/** NAME=value lines (blank lines and # comments skipped), as systemd's EnvironmentFile reads them. */
function readEnvFile(file) {
  const env = {};
  for (const [n, raw] of fs.readFileSync(file, 'utf8').split('\n').entries()) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!m) throw new UsageError(`${file}:${n + 1}: expected NAME=value`);
    env[m[1]] = m[2].replace(/^"(.*)"$/, '$1');
  }
  return env;
}

const xml = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function fill(text, values, file) {
  const out = text.replace(/\{\{([A-Z_]+)\}\}/g, (whole, name) => {
    if (values[name] === undefined) throw new UsageError(`${file}: no value for ${whole}`);
    return values[name];
  });
  return out;
}

function render(target, opts, root = path.resolve(__dirname, '..')) {
  const user = opts.user ?? (target === 'systemd' ? 'nightshift' : 'agent');
  const node = opts.node ?? process.execPath;
  const values = {
    NODE: node,
    PREFIX: opts.prefix ?? root,
    USER: user,
    CONFIG: opts.config ?? '/etc/nightshift/nightshift.yaml',
    HOST: opts.host ?? os.hostname().split('.')[0],
    ENV_FILE: opts['env-file'] ?? '/etc/nightshift/nightshift.env',
    DATA_DIR: opts['data-dir'] ?? (target === 'systemd' ? '/var/lib/nightshift' : `/Users/${user}/nightshift`),
  };
  for (const [name, value] of Object.entries(values))
    if (/\s/.test(value))
      throw new UsageError(`${name.toLowerCase()} ${JSON.stringify(value)} has a space: use a path without one`);
  const srcDir = path.join(__dirname, target);
  const written = [];
  fs.mkdirSync(opts.out, { recursive: true });
  if (target === 'systemd') {
    for (const name of fs.readdirSync(srcDir).filter((f) => f.endsWith('.service'))) {
      const dest = path.join(opts.out, name);
      fs.writeFileSync(dest, fill(fs.readFileSync(path.join(srcDir, name), 'utf8'), values, name));
      written.push(dest);
    }
    return written;
  }
  if (!opts.primary) throw new UsageError('--primary USER@HOST is required for launchd (the SSH tunnel to Redis)');
  const env = readEnvFile(values.ENV_FILE);
  if (!env.REDIS_URL)
    throw new UsageError(`${values.ENV_FILE} has no REDIS_URL (redis://:PASSWORD@127.0.0.1:6379, through the tunnel)`);
  const secrets = Object.entries(env)
    .map(([k, v]) => `    <key>${xml(k)}</key><string>${xml(v)}</string>`)
    .join('\n');
  const plistValues = {
    ...Object.fromEntries(Object.entries(values).map(([k, v]) => [k, xml(v)])),
    PRIMARY: xml(opts.primary),
    LOG_DIR: xml(opts['log-dir'] ?? '/Library/Logs/Nightshift'),
    HOME: xml(opts.home ?? `/Users/${user}`),
    // node's own folder first: npm's global installs (the agent CLI) land beside it.
    PATH: xml(
      [
        ...new Set([
          path.dirname(node),
          '/opt/homebrew/bin',
          '/usr/local/bin',
          '/usr/bin',
          '/bin',
          '/usr/sbin',
          '/sbin',
        ]),
      ].join(':'),
    ),
  };
  for (const name of fs.readdirSync(srcDir).filter((f) => f.endsWith('.plist'))) {
    const template = fs.readFileSync(path.join(srcDir, name), 'utf8');
    const withSecrets = template.replace(/^\s*<!-- \{\{SECRETS\}\} -->$/m, secrets);
    const dest = path.join(opts.out, name);
    // A plist holding a secret is readable by root only, like the env file it came from.
    fs.writeFileSync(dest, fill(withSecrets, plistValues, name), { mode: 0o600 });
    fs.chmodSync(dest, 0o600);
    written.push(dest);
  }
  return written;
}

if (require.main === module) {
  try {
    const { target, opts } = parseArgs(process.argv.slice(2));
    for (const file of render(target, opts)) process.stdout.write(`${file}\n`);
  } catch (err) {
    process.stderr.write(`render-deploy-files: ${err.message}\n${err instanceof UsageError ? `${USAGE}\n` : ''}`);
    process.exit(2);
  }
}

module.exports = { render, readEnvFile };
