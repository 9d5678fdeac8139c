import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
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
    const modes = () => [statSync('/dev').mode, statSync('/dev/full').mode];
    const before = modes();
    const log = new SessionLog('/dev/full');
    expect(() => log.write('lost\n')).not.toThrow();
    expect(log.failure).toMatch(/ENOSPC/);
    log.write('after\n');
    log.close();
    // Run as root, tightening modes here once made /dev 0700: every other user's git then failed on /dev/null.
    expect(modes()).toEqual(before);
  });

  it('ignores writes after close', () => {
    const log = new SessionLog(join(root, 'run.jsonl'));
    log.write('kept\n');
    log.close();
    log.write('late\n');
    expect(readFileSync(log.path, 'utf8')).toBe('kept\n');
  });

  it('is private (0600 in a 0700 folder, also when an older log or folder was looser) and redacted before it is written', () => {
    mkdirSync(join(root, 'logs'), { mode: 0o755 });
    chmodSync(join(root, 'logs'), 0o755);
    writeFileSync(join(root, 'logs', 'run.jsonl'), 'old\n', { mode: 0o644 });
    const secret = 'hunter2-session-secret';
    const log = new SessionLog(join(root, 'logs', 'run.jsonl'), [secret]);
    // The stream as the agent prints it: a file it read, a command's output, a token split across two chunks.
    log.write(`{"type":"user","content":"DB_PASSWORD=${secret}"}\n{"type":"assistant","text":"ghp_`);
    log.write(Buffer.from('abcdefghijklmnop1234 and https://bot:pa55word@example.com/x"}\n'));
    log.write('{"type":"result","result":"done, no newline yet');
    expect(statSync(log.path).mode & 0o777).toBe(0o600);
    expect(statSync(join(root, 'logs')).mode & 0o777).toBe(0o700);
    log.close();
    const text = readFileSync(log.path, 'utf8');
    expect(text).not.toContain(secret);
    expect(text).not.toContain('ghp_abcdefghijklmnop1234');
    expect(text).not.toContain('pa55word');
    expect(text).toContain('[redacted]');
    expect(text.endsWith('done, no newline yet')).toBe(true);
    expect(text.split('\n')).toHaveLength(3);
  });
});
