import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigCache } from './config-cache';
import { ConfigError } from './errors/config-error';
import { loadConfig, parseConfig } from './load-config';

describe('the validated-config cache', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'ns-config-cache-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('gives back exactly what validation gave, for the README reference config', () => {
    const readme = readFileSync(path.resolve(__dirname, '../../../README.md'), 'utf8');
    const text = /```yaml\n([\s\S]*?)```/.exec(readme.slice(readme.indexOf('## Configuration')))![1]!;
    const file = path.join(dir, 'nightshift.yaml');
    const cache = new ConfigCache(path.join(dir, 'cache'));
    const validated = parseConfig(text, file);
    cache.write(file, text, validated);
    expect(cache.read(file, text)).toEqual(validated);
  });

  it('misses when the text, or the file it came from, differs; entries are private to the user', () => {
    const cache = new ConfigCache(path.join(dir, 'cache'));
    cache.write('/a/nightshift.yaml', 'repos: []', { v: 1 });
    expect(cache.read('/a/nightshift.yaml', 'repos: []')).toEqual({ v: 1 });
    expect(cache.read('/a/nightshift.yaml', 'repos: [] ')).toBeUndefined();
    expect(cache.read('/b/nightshift.yaml', 'repos: []')).toBeUndefined();
    const [entry] = readdirSync(path.join(dir, 'cache'));
    expect(statSync(path.join(dir, 'cache', entry!)).mode & 0o777).toBe(0o600);
    expect(statSync(path.join(dir, 'cache')).mode & 0o777).toBe(0o700);
  });

  it('loadConfig sees every edit: a changed value at once, a broken file as an error even after a good load', () => {
    const file = path.join(dir, 'nightshift.yaml');
    writeFileSync(file, 'repos: [{ name: api, remote: ./api.git }]\nrouting: { maxAttempts: 3 }\n');
    expect(loadConfig(file).routing.maxAttempts).toBe(3);
    expect(loadConfig(file).routing.maxAttempts).toBe(3);
    writeFileSync(file, 'repos: [{ name: api, remote: ./api.git }]\nrouting: { maxAttempts: 5 }\n');
    expect(loadConfig(file).routing.maxAttempts).toBe(5);
    writeFileSync(file, 'repos: [{ name: api, remote: ./api.git }]\nrouting: { maxAttempts: many }\n');
    expect(() => loadConfig(file)).toThrow(ConfigError);
  });
});
