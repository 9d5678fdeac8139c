import { readFileSync } from 'node:fs';
import path from 'node:path';

import { ConfigCache } from './config-cache';
import { ConfigError } from './errors/config-error';
import { isLocalRemote } from './remotes';
import type { RawConfig } from './schema';

const cache = new ConfigCache();

/** Config with every path made absolute and the per-folder defaults filled in. */
export interface NightshiftConfig extends RawConfig {
  /** Absolute path of the file this came from. */
  file: string;
  dataDir: string;
  paths: { board: string; forge: string; worktrees: string; logs: string; redis: string; memory: string };
}

/** Default config file: `$NIGHTSHIFT_CONFIG`, else `./nightshift.yaml`. */
export function defaultConfigPath(): string {
  return path.resolve(process.env['NIGHTSHIFT_CONFIG'] ?? 'nightshift.yaml');
}

/** Reads and validates nightshift.yaml; throws ConfigError naming the file, the path inside it and the reason. */
export function loadConfig(file: string = defaultConfigPath()): NightshiftConfig {
  const abs = path.resolve(file);
  let text: string;
  try {
    text = readFileSync(abs, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      const init = abs === path.resolve('nightshift.yaml') ? 'nightshift init' : `nightshift --config ${file} init`;
      throw new ConfigError(
        abs,
        [`write one with \`${init}\`, or point --config (or NIGHTSHIFT_CONFIG) at your config`],
        'missing',
      );
    }
    throw new ConfigError(abs, [`${code ?? String(err)}: check the file's permissions`], 'unreadable');
  }
  const cached = cache.read<NightshiftConfig>(abs, text);
  if (cached) return cached;
  const config = parseConfig(text, abs);
  cache.write(abs, text, config);
  return config;
}

/** Validates config text; `file` is used for messages and to resolve relative paths. */
export function parseConfig(text: string, file: string): NightshiftConfig {
  const { LineCounter, parseDocument } = require('yaml') as typeof import('yaml');
  const { configSchema } = require('./schema') as typeof import('./schema');
  const lines = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: true, lineCounter: lines });
  if (doc.errors.length > 0) {
    const { yamlSyntaxProblem } = require('./config-problems') as typeof import('./config-problems');
    throw new ConfigError(file, [yamlSyntaxProblem(doc, text)]);
  }
  const value: unknown = doc.toJS() ?? {};
  const parsed = configSchema.safeParse(value);
  if (!parsed.success) {
    const { configProblems } = require('./config-problems') as typeof import('./config-problems');
    throw new ConfigError(file, configProblems(parsed.error.issues, configSchema, doc, value, lines));
  }
  return resolvePaths(parsed.data, file);
}

function resolvePaths(raw: RawConfig, file: string): NightshiftConfig {
  const base = path.dirname(file);
  const dataDir = path.resolve(base, raw.dataDir);
  const repos = raw.repos.map((repo) => ({ ...repo, remote: resolveRemote(base, repo.remote) }));
  const accounts = raw.agent.accounts.map((a) =>
    a.configDir ? { ...a, configDir: path.resolve(base, a.configDir) } : a,
  );
  return {
    ...raw,
    repos,
    agent: {
      ...raw.agent,
      accounts,
      ...(raw.agent.mcpConfig ? { mcpConfig: resolveMcpConfig(base, raw.agent.mcpConfig) } : {}),
    },
    file,
    dataDir,
    paths: {
      board: path.resolve(
        base,
        (raw.tracker.kind === 'local' ? raw.tracker.dir : undefined) ?? path.join(dataDir, 'board'),
      ),
      forge: path.resolve(
        base,
        (raw.forge.kind === 'local' ? raw.forge.dir : undefined) ?? path.join(dataDir, 'forge'),
      ),
      worktrees: path.resolve(base, raw.worktrees.root ?? path.join(dataDir, 'worktrees')),
      logs: path.join(dataDir, 'logs'),
      redis: path.join(dataDir, 'redis'),
      memory: path.join(dataDir, 'memory'),
    },
  };
}

/** URLs (scheme:// or scp-like user@host:path) stay as written; anything else is a local path. */
function resolveRemote(base: string, remote: string): string {
  return isLocalRemote(remote) ? path.resolve(base, remote) : remote;
}

/** A file path is taken from the config file's folder; inline JSON (the CLI accepts it too) stays as written. */
function resolveMcpConfig(base: string, value: string): string {
  return value.trimStart().startsWith('{') ? value : path.resolve(base, value);
}
