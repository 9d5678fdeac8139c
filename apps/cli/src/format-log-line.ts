import { escapeForTerminal } from '@nightshift/domain';

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
const OMIT = new Set(['level', 'time', 'service', 'pid', 'name', 'msg', 'hostname']);

/**
 * A service's JSON log line as one short human line (for `up` on a terminal): time, level, message,
 * then the other fields as key=value. Anything that is not a JSON log line passes through; control
 * characters are shown escaped either way.
 */
export function formatLogLine(line: string): string {
  if (!line.startsWith('{')) return escapeForTerminal(line);
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return escapeForTerminal(line);
  }
  const time = typeof entry['time'] === 'string' ? entry['time'].slice(11, 19) : '';
  const level = LEVELS[Number(entry['level'])] ?? String(entry['level'] ?? '');
  const fields = Object.entries(entry)
    .filter(([k]) => !OMIT.has(k))
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
  // Values come back from JSON with their escape sequences live: a ticket title in a log field must not repaint the terminal.
  return escapeForTerminal(`${time} ${level.padEnd(5)} ${String(entry['msg'] ?? '')}${fields ? `  ${fields}` : ''}`);
}

/**
 * `up` on a terminal: a service's warnings and errors (and anything that is not a JSON log line) as readable
 * lines; its info and debug lines are left to the transitions `up` prints from the event stream.
 */
export function warningsOnly(line: string): string | null {
  if (line.startsWith('{')) {
    try {
      const level = Number((JSON.parse(line) as { level?: unknown }).level);
      if (Number.isFinite(level) && level < 40) return null;
    } catch {
      // not JSON after all: shown as it is
    }
  }
  return formatLogLine(line);
}
