import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SessionLog } from './session-log';

let root: string;
beforeEach(() => (root = mkdtempSync(join(tmpdir(), 'ns-session-log-'))));
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('SessionLog', () => {
  it('has every chunk in the file, in order, as soon as write returns (before any close)', () => {
    const log = new SessionLog(join(root, 'a', 'b', 'run.jsonl'));
    const lines = Array.from({ length: 500 }, (_, i) => `{"type":"assistant","n":${i}}\n`);
    for (const [i, line] of lines.entries()) {
      log.write(i % 2 ? Buffer.from(line) : line);
      if (i % 100 === 99) expect(readFileSync(log.path, 'utf8')).toBe(lines.slice(0, i + 1).join(''));
    }
    log.close();
    log.close();
    expect(readFileSync(log.path, 'utf8')).toBe(lines.join(''));
  });

  it('truncates a log left by an earlier execution', () => {
    const first = new SessionLog(join(root, 'run.jsonl'));
    first.write('old output\n');
    first.close();
    const second = new SessionLog(join(root, 'run.jsonl'));
    second.write('new\n');
    second.close();
    expect(readFileSync(join(root, 'run.jsonl'), 'utf8')).toBe('new\n');
  });

  it('remembers a failed write instead of throwing, and writes nothing after the gap', () => {
    if (!existsSync('/dev/full')) return; // Linux only: every write there fails with ENOSPC
    const log = new SessionLog('/dev/full');
    expect(() => log.write('lost\n')).not.toThrow();
    expect(log.failure).toMatch(/ENOSPC/);
    log.write('after\n');
    log.close();
  });

  it('ignores writes after close', () => {
    const log = new SessionLog(join(root, 'run.jsonl'));
    log.write('kept\n');
    log.close();
    log.write('late\n');
    expect(readFileSync(log.path, 'utf8')).toBe('kept\n');
  });
});
