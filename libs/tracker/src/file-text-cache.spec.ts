import { mkdtempSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { FileTextCache } from './file-text-cache';

describe('FileTextCache', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'file-text-cache-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('sees a replacement by rename even when size and mtime are the same', async () => {
    const file = path.join(dir, 'NS-1.json');
    writeFileSync(file, '{"state":"A"}');
    const cache = new FileTextCache();
    expect(await cache.read(file)).toBe('{"state":"A"}');
    const tmp = path.join(dir, '.NS-1.json.tmp');
    writeFileSync(tmp, '{"state":"B"}');
    const fixed = new Date('2026-01-01T00:00:00Z');
    utimesSync(tmp, fixed, fixed);
    utimesSync(file, fixed, fixed);
    renameSync(tmp, file);
    expect(await cache.read(file)).toBe('{"state":"B"}');
  });

  it('sees an edit in place of the same length', async () => {
    const file = path.join(dir, 'NS-2.json');
    writeFileSync(file, 'one');
    const cache = new FileTextCache();
    expect(await cache.read(file)).toBe('one');
    writeFileSync(file, 'two');
    expect(await cache.read(file)).toBe('two');
  });

  it('answers undefined for a deleted file and does not throw for it', async () => {
    const file = path.join(dir, 'NS-3.json');
    writeFileSync(file, 'x');
    const cache = new FileTextCache();
    expect(await cache.read(file)).toBe('x');
    rmSync(file);
    expect(await cache.read(file)).toBeUndefined();
  });

  it('passes on errors other than a missing file', async () => {
    const cache = new FileTextCache();
    await expect(cache.read(path.join(dir, 'NS-4.json', 'below-a-file'))).resolves.toBeUndefined();
    writeFileSync(path.join(dir, 'plain'), 'x');
    await expect(cache.read(path.join(dir, 'plain', 'child'))).rejects.toMatchObject({ code: 'ENOTDIR' });
  });
});
