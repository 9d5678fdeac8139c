import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { KeyedMutex, withFileLock, writeFileAtomic } from './index';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'ns-file-store-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('writeFileAtomic', () => {
  it('replaces the file and leaves no temp file behind', async () => {
    const file = path.join(dir, 'a.json');
    await writeFileAtomic(file, 'one');
    await writeFileAtomic(file, 'two');
    expect(readFileSync(file, 'utf8')).toBe('two');
    expect(readdirSync(dir)).toEqual(['a.json']);
  });

  it('keeps the old content and removes the temp file when the pre-commit check throws', async () => {
    const file = path.join(dir, 'a.json');
    await writeFileAtomic(file, 'old');
    await expect(
      writeFileAtomic(file, 'new', () => {
        throw new Error('lock lost');
      }),
    ).rejects.toThrow('lock lost');
    expect(readFileSync(file, 'utf8')).toBe('old');
    expect(readdirSync(dir)).toEqual(['a.json']);
  });
});

describe('KeyedMutex', () => {
  it('runs same-key work one at a time in call order, other keys freely', async () => {
    const mutex = new KeyedMutex();
    const order: string[] = [];
    let releaseFirst!: () => void;
    const first = mutex.run('k', async () => {
      order.push('a-start');
      await new Promise<void>((resolve) => (releaseFirst = resolve));
      order.push('a-end');
    });
    const second = mutex.run('k', async () => void order.push('b'));
    await mutex.run('other', async () => void order.push('other'));
    releaseFirst();
    await Promise.all([first, second]);
    expect(order).toEqual(['a-start', 'other', 'a-end', 'b']);
  });
});

describe('withFileLock', () => {
  it('serializes holders of the same lock path and reports a held lock as a timeout', async () => {
    const lockPath = path.join(dir, 'x.lock');
    const makeError = (_p: string, failure: string, cause: unknown) => new Error(`lock ${failure} (${String(cause)})`);
    let release!: () => void;
    let taken!: () => void;
    const holding = new Promise<void>((resolve) => (taken = resolve));
    const held = withFileLock(
      lockPath,
      { staleMs: 2000, maxWaitMs: 10_000 },
      makeError,
      () =>
        new Promise<void>((resolve) => {
          release = resolve;
          taken();
        }),
    );
    // The first holder has the lock before the second asks (both racing for it made the second win or fail).
    await holding;
    await expect(
      withFileLock(lockPath, { staleMs: 2000, maxWaitMs: 100 }, makeError, async () => 'never'),
    ).rejects.toThrow('lock timeout');
    release();
    await held;
    await expect(withFileLock(lockPath, {}, makeError, async () => 'mine')).resolves.toBe('mine');
  });
});
