import { OutputCapture, summarizeStreamText } from './output-capture';
import { type AssistantEvent, AssistantUsageTally, parseStreamLine, usageFromEvents } from './stream-events';

const assistant = (id: string, input: number, text = 'x') =>
  JSON.stringify({
    type: 'assistant',
    message: {
      id,
      model: 'sonnet',
      content: [{ type: 'text', text }],
      usage: { input_tokens: input, output_tokens: 1, cache_creation_input_tokens: 2, cache_read_input_tokens: 3 },
    },
  });

describe('stream-json capture', () => {
  it('without a result event, sums assistant usage once per message id (one line per content block)', () => {
    const text = [assistant('m1', 10), assistant('m1', 10), assistant('m2', 5)].join('\n');
    const summary = summarizeStreamText(text);
    expect(summary.usage).toEqual({ input: 15, output: 2, cacheWrite: 4, cacheRead: 6 });
    expect(summary.costUsd).toBeNull();
    expect(usageFromEvents(summary.events).usage).toEqual(summary.usage);
  });

  it('counts each message once over a long session, in bounded memory, even when a message is repeated later', () => {
    const tally = new AssistantUsageTally();
    const line = (id: string, input: number) => parseStreamLine(assistant(id, input)) as AssistantEvent;
    for (let i = 0; i < 10_000; i++) {
      tally.add(line(`m${i}`, 1));
      tally.add(line(`m${i}`, 1)); // the next content block of the same message
      if (i >= 100) tally.add(line(`m${i - 100}`, 1)); // a block of a message 100 messages back (interleaved streams)
    }
    expect(tally.total).toEqual({ input: 10_000, output: 10_000, cacheWrite: 20_000, cacheRead: 30_000 });
    expect((tally as unknown as { byId: Map<string, unknown> }).byId.size).toBeLessThanOrEqual(256);
  });

  it('prefers the result event totals and cost', () => {
    const result =
      '{"type":"result","subtype":"success","is_error":false,"total_cost_usd":0.5,"usage":{"input_tokens":100,"output_tokens":7}}';
    expect(summarizeStreamText([assistant('m1', 10), result].join('\n'))).toMatchObject({
      usage: { input: 100, output: 7, cacheWrite: 0, cacheRead: 0 },
      costUsd: 0.5,
    });
  });

  it('parses lines split across chunks and a last line without newline', () => {
    const capture = new OutputCapture();
    const line =
      '{"type":"system","subtype":"init","session_id":"abc"}\n{"type":"result","subtype":"success","is_error":false}';
    capture.stdout(Buffer.from(line.slice(0, 20)));
    capture.stdout(Buffer.from(line.slice(20)));
    expect(capture.events).toHaveLength(1);
    capture.end();
    expect(capture.events.map((e) => e.type)).toEqual(['system', 'result']);
    expect(capture.summary().sessionId).toBe('abc');
  });

  it('keeps a bounded tail that starts at a line boundary, and at most 200 events', () => {
    const capture = new OutputCapture();
    for (let i = 0; i < 500; i++) capture.stdout(Buffer.from(`${assistant(`m${i}`, 1, 'y'.repeat(i % 37))}\n`));
    capture.stderr(Buffer.from('API Error: 529 overloaded_error\n'));
    capture.end();
    expect(capture.tail.length).toBeLessThanOrEqual(8 * 1024);
    expect(capture.tail.startsWith('{"type":"assistant"')).toBe(true);
    expect(capture.tail.endsWith('API Error: 529 overloaded_error\n')).toBe(true);
    expect(capture.events).toHaveLength(200);
    // The newest 200, oldest first.
    expect(capture.events.map((e) => (e.type === 'assistant' ? e.message.id : e.type))).toEqual(
      Array.from({ length: 200 }, (_, i) => `m${300 + i}`),
    );
    expect(capture.summary().usage.input).toBe(500);
  });

  it('skips a line past the 4 MB cap, fed over many chunks, and parses the lines around it', () => {
    const capture = new OutputCapture();
    const huge = `{"type":"assistant","message":{"id":"big","content":[{"type":"text","text":"${'z'.repeat(1024 * 1024)}`;
    capture.stdout(Buffer.from(`${assistant('before', 1)}\n`));
    for (let i = 0; i < 5; i++) capture.stdout(Buffer.from(huge));
    capture.stdout(Buffer.from(`"}]}}\n${assistant('after', 2)}\n${assistant('last', 3)}`));
    capture.end();
    expect(capture.events.map((e) => (e.type === 'assistant' ? e.message.id : e.type))).toEqual([
      'before',
      'after',
      'last',
    ]);
  });

  it('keeps non-JSON and unknown lines out of the typed events', () => {
    expect(parseStreamLine('Segmentation fault')).toBeNull();
    expect(parseStreamLine('{"type":"user"}')).toEqual({ type: 'other', originalType: 'user', subtype: undefined });
    expect(parseStreamLine('{"type":"user","message":{}}')).toEqual({
      type: 'user',
      session_id: undefined,
      message: { content: [] },
    });
    expect(
      parseStreamLine(
        '{"type":"user","message":{"content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"ok"}]}}',
      ),
    ).toMatchObject({
      type: 'user',
      message: { content: [{ type: 'tool_result', tool_use_id: 'toolu_1', is_error: false }] },
    });
    expect(parseStreamLine('{"type":"system","subtype":"compact_boundary"}')).toMatchObject({
      type: 'other',
      subtype: 'compact_boundary',
    });
  });
});
