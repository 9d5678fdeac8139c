import { SilenceNote } from './silence-note';

const toolUse = JSON.stringify({
  type: 'assistant',
  message: { content: [{ type: 'tool_use', id: 't1', name: 'Bash', input: { command: 'npm test' } }] },
});
const toolResult = JSON.stringify({ type: 'user', message: { content: [{ type: 'tool_result', tool_use_id: 't1' }] } });

describe('SilenceNote', () => {
  it('says how long the session has been silent and which tool call is open, once per interval', () => {
    const note = new SilenceNote(300, 15_000, 0);
    note.see(toolUse, 1000);
    expect(note.note(10_000)).toBeNull();
    expect(note.note(16_000)).toMatch(/^… silent for 15 s, tool call open: Bash\(npm test\)/);
    expect(note.note(20_000)).toBeNull();
    note.see(toolResult, 21_000);
    expect(note.note(40_000)).toMatch(
      /^… silent for 19 s, no tool call open \(the stall detector stops it after 300 s/,
    );
  });
});
