import pino from 'pino';

import { AfterScanTasks } from './after-scan-tasks';

const logger = pino({ level: 'silent' });

function counter() {
  let runs = 0;
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  const task = async (): Promise<void> => {
    runs += 1;
    for (const w of waiters.filter((w) => runs >= w.n)) w.resolve();
  };
  const reached = (n: number) =>
    runs >= n ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ n, resolve }));
  return { task, reached, runs: () => runs };
}

describe('AfterScanTasks', () => {
  it('runs at once, then folds every request inside the gap into one run at its end', async () => {
    const c = counter();
    const tasks = new AfterScanTasks([c.task], 100, logger);
    await tasks.request();
    expect(c.runs()).toBe(1);
    const startedAt = Date.now();
    for (let i = 0; i < 5; i++) await tasks.request();
    expect(c.runs()).toBe(1);
    await c.reached(2);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(90);
    // Nothing was asked since: no third run, however long we look.
    await new Promise((r) => setTimeout(r, 250));
    expect(c.runs()).toBe(2);
    await tasks.close();
  });

  it('keeps going past a failing task and logs it', async () => {
    const c = counter();
    const warnings: string[] = [];
    const log = pino({ level: 'warn' }, { write: (line: string) => warnings.push(line) });
    const tasks = new AfterScanTasks([async () => Promise.reject(new Error('tracker down')), c.task], 10, log);
    await tasks.request();
    expect(c.runs()).toBe(1);
    expect(warnings.join('')).toContain('tracker down');
    await tasks.close();
  });

  it('close drops a run waiting for the gap', async () => {
    const c = counter();
    const tasks = new AfterScanTasks([c.task], 50, logger);
    await tasks.request();
    await tasks.request();
    await tasks.close();
    await new Promise((r) => setTimeout(r, 150));
    expect(c.runs()).toBe(1);
  });
});
