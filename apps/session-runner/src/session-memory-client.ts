import type { MemoryClient } from '@nightshift/memory';
import { Counter, Histogram, type Registry } from 'prom-client';

/** The memory client, its metrics, and the config: built by main.ts when memory is enabled. */
export class SessionMemory {
  readonly recalls: Counter;
  readonly recallSeconds: Histogram;

  constructor(
    readonly client: MemoryClient,
    registry: Registry,
  ) {
    const registers = [registry];
    this.recalls = new Counter({
      name: 'nightshift_memory_recalls_total',
      help: 'Recalls before a prompt by result (hit, empty, unavailable)',
      labelNames: ['result', 'repo'],
      registers,
    });
    this.recallSeconds = new Histogram({
      name: 'nightshift_memory_recall_duration_seconds',
      help: 'Time the session waited for recall',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5],
      registers,
    });
  }
}
