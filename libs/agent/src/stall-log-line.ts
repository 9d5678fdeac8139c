import type { StallVerdict } from './stall-watchdog';

/** The line appended to a run's log when the watchdog killed it, so `nightshift classify` can say why later. */
const TYPE = 'nightshift_stall';

/** One JSON line recording the verdict; the caller redacts the verdict first. */
export function stallLogLine(verdict: StallVerdict): string {
  return `${JSON.stringify({ type: TYPE, ...verdict })}\n`;
}

/** The stall verdict recorded in a run log, if the watchdog killed that run. */
export function readStallLine(text: string): StallVerdict | undefined {
  for (const line of text.split('\n').reverse()) {
    if (!line.includes(TYPE)) continue;
    try {
      const value = JSON.parse(line) as Partial<StallVerdict> & { type?: string };
      if (value.type === TYPE && typeof value.reason === 'string' && typeof value.cause === 'string') {
        const { type: _type, ...verdict } = value;
        return { lastSeen: '', silentMs: 0, ...verdict } as StallVerdict;
      }
    } catch {
      // not our line
    }
  }
  return undefined;
}

export const STALL_LOG_EVENT_TYPE = TYPE;
