import { formatLogLine } from './format-log-line';

describe('formatLogLine', () => {
  it('turns a pino JSON line into time, level, message and fields', () => {
    const line = JSON.stringify({ level: 40, time: '2026-11-27T18:40:01.123Z', service: 'router', pid: 7, msg: 'intake failed', ticket: 'NS-1', err: 'boom' });
    expect(formatLogLine(line)).toBe('18:40:01 WARN  intake failed  ticket=NS-1 err=boom');
  });

  it('passes through anything else', () => {
    expect(formatLogLine('[up] stopped')).toBe('[up] stopped');
    expect(formatLogLine('{not json')).toBe('{not json');
  });
});
