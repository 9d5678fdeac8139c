import { readFileSync } from 'node:fs';
import path from 'node:path';

import { stallLogLine } from './stall-log-line';
import { transcriptLines } from './transcript-lines';

const FIXTURES = path.join(__dirname, '../../testing-fakes/fixtures/claude-code');
const texts = (raw: string, secrets: string[] = []) =>
  raw.split('\n').flatMap((l) => transcriptLines(l, secrets).map((t) => t.text));

describe('transcriptLines', () => {
  it('reads a real session: its start, tool calls with their commands, the end with turns, time and cost', () => {
    expect(texts(readFileSync(path.join(FIXTURES, 'success.jsonl'), 'utf8'))).toEqual([
      expect.stringMatching(/^session started: model claude-sonnet-4-5, in \/srv\/worktrees\//),
      '→ Bash(npm test)',
      'session ended: success, 31 turns, 10 min 22 s, $1.9023',
      'agent: Fixed the off-by-one in pagination; all 48 tests pass.',
    ]);
  });

  it('shows refusals, errors, stderr and the stall detector, and drops JSON lines cut in half', () => {
    const lines = [
      'del":"sonnet","content":[{"type":"text","text":"half a line"}]}}',
      JSON.stringify({
        type: 'user',
        message: {
          content: [
            {
              type: 'tool_result',
              is_error: true,
              content: 'Claude requested permissions to use Bash, but you have not granted it yet.',
            },
            { type: 'tool_result', is_error: true, content: 'npm ERR! missing script: lint' },
          ],
        },
      }),
      JSON.stringify({
        type: 'result',
        subtype: 'success',
        is_error: false,
        permission_denials: [{ tool_name: 'Bash', tool_input: { command: 'rm -rf /' } }],
      }),
      'API Error: 529 {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}',
      '{"type":"assistant","message":{"content":[{"type":"te',
      stallLogLine({
        cause: 'silence',
        reason: 'no output for 120 s',
        lastSeen: 'Bash(sleep 999)',
        silentMs: 120_000,
      }).trim(),
    ];
    expect(texts(lines.join('\n'))).toEqual([
      '← denied: Claude requested permissions to use Bash, but you have not granted it yet.',
      '← error: npm ERR! missing script: lint',
      'session ended: success',
      'not allowed: Bash(rm -rf /)',
      'stderr: API Error: 529 {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}',
      'stall detector stopped it: no output for 120 s (last seen: Bash(sleep 999), silent for 2 min 00 s)',
    ]);
  });

  it('redacts token shapes and the secrets it is given', () => {
    const line = JSON.stringify({
      type: 'assistant',
      message: {
        content: [
          {
            type: 'tool_use',
            name: 'Bash',
            input: { command: 'curl -H "x: hunter2-secret" ghp_abcdefghijklmnopqrstuvwxyz0123456789' },
          },
        ],
      },
    });
    const [text] = texts(line, ['hunter2-secret']);
    expect(text).not.toContain('hunter2-secret');
    expect(text).not.toContain('ghp_abcdefghijklmnopqrstuvwxyz0123456789');
    expect(text).toMatch(/^→ Bash\(curl/);
  });
});
