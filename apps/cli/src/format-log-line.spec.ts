import { formatLogLine } from './format-log-line';

describe('formatLogLine', () => {
  it('turns a pino JSON line into time, level, message and fields', () => {
    const line = JSON.stringify({
      level: 40,
      time: '2026-11-27T18:40:01.123Z',
      service: 'router',
      pid: 7,
      msg: 'intake failed',
      ticket: 'NS-1',
      err: 'boom',
    });
    expect(formatLogLine(line)).toBe('18:40:01 WARN  intake failed  ticket=NS-1 err=boom');
  });

  it('passes through anything else', () => {
    expect(formatLogLine('[up] stopped')).toBe('[up] stopped');
    expect(formatLogLine('{not json')).toBe('{not json');
  });

  it('shows escape sequences in a log field as text: a ticket title cannot repaint the terminal', () => {
    const line = JSON.stringify({
      level: 30,
      time: '2026-11-27T18:40:01.123Z',
      msg: 'routed',
      title: '\u001b[31mred\u001b]52;c;ZXZpbA==\u0007',
    });
    expect(formatLogLine(line)).toBe('18:40:01 INFO  routed  title=\\e[31mred\\e]52;c;ZXZpbA==\\x07');
    expect(formatLogLine('raw \u001b[2J line')).toBe('raw \\e[2J line');
  });
});
