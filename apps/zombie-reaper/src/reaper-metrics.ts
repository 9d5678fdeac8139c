import type { ReapReason } from '@nightshift/fleet';
import { Counter, type Registry } from 'prom-client';

export interface ReaperMetrics {
  /** Sessions whose agent process groups the reaper killed, by why. */
  kills: Counter<'reason'>;
  /** Claims released because no live session or pending job held them. */
  staleClaims: Counter;
  /** Run records closed as interrupted. */
  runsClosed: Counter;
}

export function reaperMetrics(registry: Registry): ReaperMetrics {
  const registers = [registry];
  const kills = new Counter({
    name: 'nightshift_reaper_kills_total',
    help: 'Agent sessions the zombie-reaper killed, by reason',
    labelNames: ['reason'],
    registers,
  });
  for (const reason of ['runner_gone', 'job_inactive', 'deadline', 'fenced'] satisfies ReapReason[])
    kills.inc({ reason }, 0);
  return {
    kills,
    staleClaims: new Counter({
      name: 'nightshift_reaper_stale_claims_released_total',
      help: 'Ticket claims released because nothing alive held them',
      registers,
    }),
    runsClosed: new Counter({
      name: 'nightshift_reaper_runs_closed_total',
      help: 'Run records closed as interrupted (their process was gone)',
      registers,
    }),
  };
}
