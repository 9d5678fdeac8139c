import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { makePrivateDir } from './private-paths';

let root: string;
beforeEach(() => (root = mkdtempSync(join(tmpdir(), 'ns-private-'))));
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('makePrivateDir', () => {
  it('creates a 0700 folder, tightens one an older version left 0755, and leaves a symlinked target alone', () => {
    makePrivateDir(join(root, 'data', 'logs'));
    expect(statSync(join(root, 'data', 'logs')).mode & 0o777).toBe(0o700);
    mkdirSync(join(root, 'old'), { mode: 0o755 });
    chmodSync(join(root, 'old'), 0o755);
    makePrivateDir(join(root, 'old'));
    expect(statSync(join(root, 'old')).mode & 0o777).toBe(0o700);
    mkdirSync(join(root, 'shared'), { mode: 0o755 });
    chmodSync(join(root, 'shared'), 0o755);
    symlinkSync(join(root, 'shared'), join(root, 'link'));
    makePrivateDir(join(root, 'link'));
    expect(statSync(join(root, 'shared')).mode & 0o777).toBe(0o755);
  });
});
