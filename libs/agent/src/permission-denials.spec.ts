import { summarizeStreamText } from './output-capture';
import { describeDenial, isDenialText } from './permission-denials';

const line = (v: unknown) => JSON.stringify(v);
const toolUse = (id: string, name: string, input: unknown) =>
  line({ type: 'assistant', message: { id: `msg_${id}`, content: [{ type: 'tool_use', id, name, input }] } });
const toolResult = (id: string, content: unknown, isError: boolean) =>
  line({
    type: 'user',
    message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: id, content, is_error: isError }] },
  });
const result = (denials?: unknown) =>
  line({
    type: 'result',
    subtype: 'success',
    is_error: false,
    result: 'done',
    ...(denials === undefined ? {} : { permission_denials: denials }),
  });

describe('permission denials', () => {
  it("reads the result event's permission_denials", () => {
    const text = [
      toolUse('t1', 'Bash', { command: 'npm test' }),
      result([{ tool_name: 'Bash', tool_use_id: 't1', tool_input: { command: 'npm test' } }, { nonsense: 1 }]),
    ].join('\n');
    expect(summarizeStreamText(text).permissionDenials).toEqual([
      { tool_name: 'Bash', tool_use_id: 't1', tool_input: { command: 'npm test' } },
    ]);
  });

  it('adds refusals seen in the stream that the result does not list, once each, and ignores ordinary tool errors', () => {
    const text = [
      toolUse('t1', 'Bash', { command: 'npm test' }),
      toolResult('t1', "Claude requested permissions to use Bash, but you haven't granted it yet.", true),
      toolUse('t2', 'Read', { file_path: '/home/a/.ssh/id_rsa' }),
      toolResult(
        't2',
        [{ type: 'text', text: 'File is in a directory that is denied by your permission settings.' }],
        true,
      ),
      toolUse('t3', 'Bash', { command: 'false' }),
      toolResult('t3', 'Exit code 1', true),
      result([{ tool_name: 'Bash', tool_use_id: 't1', tool_input: { command: 'npm test' } }]),
    ].join('\n');
    expect(summarizeStreamText(text).permissionDenials).toEqual([
      { tool_name: 'Bash', tool_use_id: 't1', tool_input: { command: 'npm test' } },
      { tool_name: 'Read', tool_use_id: 't2', tool_input: { file_path: '/home/a/.ssh/id_rsa' } },
    ]);
  });

  it('keeps the refusals of a session killed before its result', () => {
    const text = [
      toolUse('t9', 'Bash', { command: 'git push origin HEAD' }),
      toolResult('t9', 'Permission to use Bash with command git push origin HEAD has been denied.', true),
    ].join('\n');
    expect(summarizeStreamText(text).permissionDenials).toEqual([
      { tool_name: 'Bash', tool_use_id: 't9', tool_input: { command: 'git push origin HEAD' } },
    ]);
  });

  it('has none when nothing was refused', () => {
    expect(
      summarizeStreamText(
        [toolUse('t1', 'Bash', { command: 'ls' }), toolResult('t1', 'README.md', false), result([])].join('\n'),
      ).permissionDenials,
    ).toEqual([]);
  });

  it('knows the CLI refusal wordings', () => {
    expect(
      isDenialText("Claude requested permissions to write to /x/.claude/skills/a.md, but you haven't granted it yet."),
    ).toBe(true);
    expect(
      isDenialText(
        "Permission to use Bash has been denied because Claude Code is running in don't ask mode. IMPORTANT: ...",
      ),
    ).toBe(true);
    expect(isDenialText('npm ERR! permission denied, open /usr/lib/x')).toBe(false);
  });

  it('describes a denial in the shape of a rule', () => {
    expect(
      describeDenial({ tool_name: 'Bash', tool_input: { command: 'npm   test\n -- --ci', description: 'Run tests' } }),
    ).toBe('Bash(npm test -- --ci)');
    expect(describeDenial({ tool_name: 'Read', tool_input: { file_path: '/home/a/.env' } })).toBe('Read(/home/a/.env)');
    expect(describeDenial({ tool_name: 'mcp__github__create_issue', tool_input: { title: 't' } })).toBe(
      'mcp__github__create_issue',
    );
    expect(describeDenial({ tool_name: 'Bash', tool_input: { command: 'x'.repeat(500) } }).length).toBe(200);
  });
});
