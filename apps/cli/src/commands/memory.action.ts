import type { NightshiftConfig } from '@nightshift/config';
import { MemoryClient } from '@nightshift/memory';

import { printList } from '../format-table';
import { withRedis } from '../redis-client';

/** How long the CLI waits for the memory-consolidator (stats walk every learning, so more than a recall). */
const CLI_TIMEOUT_MS = 15_000;

export async function search(
  config: NightshiftConfig,
  opts: { repo?: string; top: string; json?: boolean },
  query: string,
): Promise<void> {
  if (opts.repo && !config.repos.some((r) => r.name === opts.repo))
    throw new Error(`no repo "${opts.repo}" in ${config.file} (known: ${config.repos.map((r) => r.name).join(', ')})`);
  const topK = Number(opts.top);
  if (!Number.isInteger(topK) || topK < 1 || topK > 100)
    throw new Error(`--top "${opts.top}" must be a whole number from 1 to 100`);
  const found = await withClient(config, (c) => c.recall({ query, repo: opts.repo, topK }, CLI_TIMEOUT_MS));
  printList(found.learnings, opts.json, ['ID', 'REPO', 'SCORE', 'STATUS', 'LESSON'], (l) => [
    l.id,
    l.repo,
    l.score.toFixed(3),
    l.status,
    l.text.slice(0, 120),
  ]);
}

export async function stats(config: NightshiftConfig, opts: { repo?: string; json?: boolean }): Promise<void> {
  const s = await withClient(config, (c) => c.stats(CLI_TIMEOUT_MS, opts.repo));
  if (opts.json) return void process.stdout.write(`${JSON.stringify(s, null, 2)}\n`);
  const lines = [
    `store ${s.backend} · embedder ${s.embedder} (${s.dimension} dimensions)`,
    `${s.total} learnings: ${
      Object.entries(s.byStatus)
        .map(([k, v]) => `${v} ${k}`)
        .join(', ') || 'none'
    }`,
    ...Object.entries(s.byRepo).map(([repo, n]) => `  ${repo}: ${n}`),
    s.lastConsolidation
      ? `last consolidation ${s.lastConsolidation.at}: ${s.lastConsolidation.before} → ${s.lastConsolidation.after} (merged ${s.lastConsolidation.merged}, decayed ${s.lastConsolidation.decayed}, superseded ${s.lastConsolidation.superseded})`
      : 'not consolidated yet',
    ...Object.values(s.digests).map((d) => `\n${d}`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

export async function forget(config: NightshiftConfig, id: string): Promise<void> {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id))
    throw new Error(`"${id}" is not a learning id: pass the full id that \`nightshift memory search\` prints`);
  const { removed } = await withClient(config, (c) => c.forget(id, CLI_TIMEOUT_MS));
  if (!removed) throw new Error(`no learning ${id}`);
  process.stdout.write(`forgot ${id}\n`);
}

async function withClient<T>(config: NightshiftConfig, fn: (client: MemoryClient) => Promise<T>): Promise<T> {
  if (!config.memory.enabled) throw new Error(`memory is disabled (memory.enabled: false in ${config.file})`);
  return withRedis(config, async (redis) => {
    // QueueEvents reads with blocking commands: BullMQ wants no per-request retry limit on that connection.
    const events = redis.duplicate({ maxRetriesPerRequest: null });
    const client = new MemoryClient(redis, events);
    try {
      await client.ready();
      return await fn(client);
    } finally {
      await client.close();
      events.disconnect();
    }
  });
}
