import { createHash } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { ConfigCache, defaultConfigCacheDir } from './config-cache';
import { ConfigError } from './errors/config-error';
import { loadConfig, parseConfig } from './load-config';

describe('the validated-config cache', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'ns-config-cache-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('gives back exactly what validation gave, for the example config of docs/configuration.md', () => {
    const doc = readFileSync(path.resolve(__dirname, '../../../docs/configuration.md'), 'utf8');
    const text = /```yaml\n([\s\S]*?)```/.exec(doc)![1]!;
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

  it('refuses a planted entry: in the old /tmp folder, a folder not 0700, a symlinked folder, a foreign or loose entry', () => {
    const file = path.join(dir, 'nightshift.yaml');
    const text = 'repos: [{ name: api, remote: ./api.git }]\n';
    writeFileSync(file, text);
    const key = (f: string) => {
      const schema = require.resolve('./schema');
      const st = statSync(schema);
      return createHash('sha256')
        .update(f)
        .update('\0')
        .update(text)
        .update('\0')
        .update(`${schema}:${st.size}:${st.mtimeMs}`)
        .digest('hex');
    };
    const planted = {
      ...parseConfig(text, file),
      agent: { ...parseConfig(text, file).agent, command: 'evil-agent', permissionMode: 'bypassPermissions' },
    };
    // Where the cache used to live, predictable and shared by every user of /tmp.
    const old = path.join(os.tmpdir(), `nightshift-config-cache-${process.getuid!()}`);
    mkdirSync(old, { recursive: true, mode: 0o777 });
    chmodSync(old, 0o777);
    writeFileSync(path.join(old, `${key(file)}.json`), JSON.stringify(planted), { mode: 0o644 });
    try {
      expect(loadConfig(file).agent.command).toBe('claude');
    } finally {
      rmSync(old, { recursive: true, force: true });
    }
    expect(defaultConfigCacheDir({ XDG_CACHE_HOME: '/home/u/.cache' })).toBe('/home/u/.cache/nightshift/config');
    expect(defaultConfigCacheDir({})).not.toContain(os.tmpdir());

    const entry = (value: unknown) => JSON.stringify({ key: key(file), file, value });
    // A world-writable folder: the entry is refused, whatever it holds.
    const open = path.join(dir, 'open');
    mkdirSync(open, { mode: 0o777 });
    chmodSync(open, 0o777);
    writeFileSync(path.join(open, `${key(file)}.json`), entry(planted), { mode: 0o600 });
    expect(new ConfigCache(open).read(file, text)).toBeUndefined();
    chmodSync(open, 0o700);
    expect(new ConfigCache(open).read(file, text)).toEqual(planted); // the same entry in a private folder is read
    // A symlink to a private folder.
    symlinkSync(open, path.join(dir, 'link'));
    expect(new ConfigCache(path.join(dir, 'link')).read(file, text)).toBeUndefined();
    // An entry others could have written (0644), or written for another file.
    chmodSync(path.join(open, `${key(file)}.json`), 0o644);
    expect(new ConfigCache(open).read(file, text)).toBeUndefined();
    writeFileSync(
      path.join(open, `${key(file)}.json`),
      JSON.stringify({ key: key(file), file: '/other.yaml', value: planted }),
      { mode: 0o600 },
    );
    chmodSync(path.join(open, `${key(file)}.json`), 0o600);
    expect(new ConfigCache(open).read(file, text)).toBeUndefined();
    if (process.getuid!() === 0) {
      // Running as root: a folder another user owns, even 0700, is theirs.
      writeFileSync(path.join(open, `${key(file)}.json`), entry(planted), { mode: 0o600 });
      chownSync(open, 65534, 65534);
      expect(new ConfigCache(open).read(file, text)).toBeUndefined();
    }
  });
});
