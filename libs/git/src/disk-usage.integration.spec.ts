import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { DiskUsage } from './index';

let tmp: string;

beforeEach(() => {
  tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'nightshift-du-')));
});

afterEach(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

const MB = 1024 * 1024;

function writeFile(rel: string, bytes: number): void {
  const file = path.join(tmp, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, Buffer.alloc(bytes, 7));
}

describe('DiskUsage', () => {
  it.each(['du', 'walk'] as const)('measures allocated bytes with %s, counting hard links once', async (method) => {
    writeFile('a/one.bin', 3 * MB);
    writeFile('b/c/two.bin', 2 * MB);
    fs.linkSync(path.join(tmp, 'a/one.bin'), path.join(tmp, 'a/one-again.bin'));
    const bytes = await new DiskUsage(tmp, { method }).bytes();
    expect(bytes).toBeGreaterThanOrEqual(5 * MB);
    expect(bytes).toBeLessThan(6 * MB);
  });

  it('caches a measurement, shares one walk between concurrent callers, and re-measures after invalidate()', async () => {
    writeFile('a.bin', 1 * MB);
    const usage = new DiskUsage(tmp, { cacheMs: 60_000 });
    const [first, second] = await Promise.all([usage.bytes(), usage.bytes()]);
    expect(first).toBe(second);
    writeFile('b.bin', 4 * MB);
    expect(await usage.bytes()).toBe(first);
    usage.invalidate();
    expect(await usage.bytes()).toBeGreaterThanOrEqual(first + 4 * MB);
  });

  it('reports 0 for a missing directory rather than failing', async () => {
    expect(await new DiskUsage(path.join(tmp, 'missing'), { method: 'walk' }).bytes()).toBe(0);
  });
});
