import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { sumTranscriptUsage, transcriptPath } from './transcript-usage';

describe('transcript usage', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'ns-transcript-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('names the file like the CLI: non-alphanumerics to "-", cut at 200 characters', () => {
    expect(transcriptPath('/cfg', '/srv/work_trees/a.b', 's1')).toBe('/cfg/projects/-srv-work-trees-a-b/s1.jsonl');
    const long = `/${'x'.repeat(300)}`;
    expect(transcriptPath('/cfg', long, 's1')).toBe(`/cfg/projects/-${'x'.repeat(199)}/s1.jsonl`);
  });

  it('counts each message id once and ignores other records and broken lines', async () => {
    const usage = (n: number) => ({
      input_tokens: n,
      output_tokens: 2 * n,
      cache_creation_input_tokens: 3 * n,
      cache_read_input_tokens: 4 * n,
    });
    const lines = [
      { type: 'user', message: { role: 'user', content: 'hi' } },
      { type: 'assistant', message: { id: 'a', usage: usage(1), content: [{ type: 'text' }] } },
      { type: 'assistant', message: { id: 'a', usage: usage(1), content: [{ type: 'tool_use' }] } },
      { type: 'assistant', message: { id: 'b', usage: usage(10) } },
    ].map((l) => JSON.stringify(l));
    const file = join(dir, 't.jsonl');
    writeFileSync(file, `${lines.join('\n')}\n{"type":"assistant", broken\n`);
    expect(await sumTranscriptUsage(file)).toEqual({
      usage: { input: 11, output: 22, cacheWrite: 33, cacheRead: 44 },
      costUsd: null,
    });
  });

  it('sums costUSD when the CLI version writes it', async () => {
    const file = join(dir, 't.jsonl');
    const line = (id: string, cost: number) =>
      JSON.stringify({ type: 'assistant', costUSD: cost, message: { id, usage: { input_tokens: 1 } } });
    writeFileSync(file, [line('a', 0.1), line('a', 0.1), line('b', 0.2)].join('\n'));
    expect((await sumTranscriptUsage(file)).costUsd).toBeCloseTo(0.3, 6);
  });
});
