import { readFileSync } from 'node:fs';
import path from 'node:path';

import { parseConfig, redisUrlPassword } from '@nightshift/config';
import { createEmbedder, createStore, OllamaEmbedder } from '@nightshift/memory';
import { parse } from 'yaml';

import { REPO_ROOT } from './harness/service-process';

/**
 * The compose files as a container sees them, without Podman: each file read with `.env` substituted as
 * podman-compose does, and the services' settings resolved through the real config schema and the real
 * factories, as the service in that container would resolve them.
 */
type Service = { environment?: Record<string, string>; command?: string[] | string; user?: string };

const ENV = { REDIS_PASSWORD: 'Pa55word-from-dot-env', NIGHTSHIFT_CONFIG_FILE: './nightshift.yaml' };

// podman-compose 1.0.3's substitution: $$, ${VAR}, ${VAR:-default}, ${VAR:?error}.
function substitute(text: string, env: Record<string, string>): string {
  return text.replace(/\$(?:(\$)|\{([A-Za-z_]\w*)(?::?-([^}]+)|:?\?([^}]+))?\})/g, (_m, dollar, name, dflt, error) => {
    if (dollar) return '$';
    if (env[name] !== undefined) return env[name]!;
    if (error) throw new Error(error);
    return dflt ?? '';
  });
}

function composeFile(name: string, env: Record<string, string> = ENV): Record<string, Service> {
  const text = substitute(readFileSync(path.join(REPO_ROOT, 'compose', name), 'utf8'), env);
  return (parse(text, { merge: true }) as { services: Record<string, Service> }).services;
}

const NIGHTSHIFT_SERVICES = (services: Record<string, Service>) =>
  Object.entries(services).filter(([, s]) => s.environment?.['NIGHTSHIFT_CONFIG']);

describe('the compose files, as the containers see them', () => {
  it('memory: embedder ollama and backend qdrant reach the ollama and qdrant containers, not 127.0.0.1', () => {
    const env = composeFile('primary.yaml')['memory-consolidator']!.environment!;
    const config = parseConfig(
      JSON.stringify({
        dataDir: '/var/lib/nightshift',
        repos: [{ name: 'alpha', remote: 'https://example.invalid/alpha.git' }],
        memory: { backend: 'qdrant', embedder: 'ollama' },
      }),
      '/etc/nightshift/nightshift.yaml',
    );
    const embedder = createEmbedder(config, env);
    expect(embedder).toBeInstanceOf(OllamaEmbedder);
    expect((embedder as OllamaEmbedder).host).toBe('http://ollama:11434');
    expect(createStore(config, env).name).toBe('qdrant:http://qdrant:6333/nightshift-learnings');
  });

  it('Redis: every service of every compose file gets the password from .env inside its REDIS_URL', () => {
    for (const file of ['primary.yaml', 'mac.yaml']) {
      const services = NIGHTSHIFT_SERVICES(composeFile(file));
      expect(services.length).toBeGreaterThan(0);
      for (const [, service] of services)
        expect(redisUrlPassword(service.environment!['REDIS_URL'])).toBe(ENV.REDIS_PASSWORD);
    }
    // Without one, compose refuses to start rather than run an open Redis.
    expect(() => composeFile('primary.yaml', { NIGHTSHIFT_CONFIG_FILE: 'x' })).toThrow(
      /set REDIS_PASSWORD in compose\/.env/,
    );
    expect(readFileSync(path.join(REPO_ROOT, 'compose/.env.example'), 'utf8')).toMatch(/^REDIS_PASSWORD=$/m);
  });

  it('Redis: the server requires that password, given on stdin rather than on a command line', () => {
    const redis = composeFile('primary.yaml')['redis']!;
    expect(redis.environment!['REDIS_PASSWORD']).toBe(ENV.REDIS_PASSWORD);
    const script = Array.isArray(redis.command) ? redis.command.join(' ') : String(redis.command);
    expect(script).toMatch(/redis-server - /);
    expect(script).toContain('requirepass "$REDIS_PASSWORD"');
    expect(script).not.toContain(ENV.REDIS_PASSWORD);
    expect(redis.user).toBe('redis');
  });
});
