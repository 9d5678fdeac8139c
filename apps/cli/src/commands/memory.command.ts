import type { Command } from 'commander';
import { MemoryClient } from '@nightshift/memory';
import { printList } from '../format-table';
import { withRedis } from '../redis-client';
import { withConfig } from '../with-config';

/** How long the CLI waits for the memory-consolidator (stats walk every learning, so more than a recall). */
const CLI_TIMEOUT_MS = 15_000;

/** `nightshift memory search|stats|forget`: what the swarm has learned, asked of the running memory-consolidator. */
export function registerMemoryCommands(program: Command): void {
  const memory = program.command('memory').description('learnings recalled into prompts (needs a running memory-consolidator)');
  memory
    .command('search <query>')
    .description('the learnings a session about <query> would recall: the repo first, then others')
    .option('--repo <name>', 'scope to a repo first, as a session of that repo does')
    .option('--top <n>', 'how many', '10')
    .option('--json', 'print JSON')
    .action(
      withConfig(async (config, opts: { repo?: string; top: string; json?: boolean }, query: string) => {
        if (opts.repo && !config.repos.some((r) => r.name === opts.repo)) throw new Error(`no repo "${opts.repo}" in ${config.file} (known: ${config.repos.map((r) => r.name).join(', ')})`);
        const topK = Number(opts.top);
        if (!Number.isInteger(topK) || topK < 1 || topK > 100) throw new Error(`--top "${opts.top}" must be a whole number from 1 to 100`);
        const found = await withClient(config, (c) => c.recall({ query, repo: opts.repo, topK }, CLI_TIMEOUT_MS));
        printList(found.learnings, opts.json, ['ID', 'REPO', 'SCORE', 'STATUS', 'LESSON'], (l) => [l.id, l.repo, l.score.toFixed(3), l.status, l.text.slice(0, 120)]);
      }),
    );
  memory
    .command('stats')
    .description('how many learnings, by status and repo; the last consolidation and the per-repo digests')
    .option('--repo <name>', 'one repo only')
    .option('--json', 'print JSON')
    .action(
      withConfig(async (config, opts: { repo?: string; json?: boolean }) => {
        const stats = await withClient(config, (c) => c.stats(CLI_TIMEOUT_MS, opts.repo));
        if (opts.json) return void process.stdout.write(`${JSON.stringify(stats, null, 2)}\n`);
        const lines = [
          `store ${stats.backend} · embedder ${stats.embedder} (${stats.dimension} dimensions)`,
          `${stats.total} learnings: ${Object.entries(stats.byStatus).map(([k, v]) => `${v} ${k}`).join(', ') || 'none'}`,
          ...Object.entries(stats.byRepo).map(([repo, n]) => `  ${repo}: ${n}`),
          stats.lastConsolidation
            ? `last consolidation ${stats.lastConsolidation.at}: ${stats.lastConsolidation.before} → ${stats.lastConsolidation.after} (merged ${stats.lastConsolidation.merged}, decayed ${stats.lastConsolidation.decayed}, superseded ${stats.lastConsolidation.superseded})`
            : 'not consolidated yet',
          ...Object.values(stats.digests).map((d) => `\n${d}`),
        ];
        process.stdout.write(`${lines.join('\n')}\n`);
      }),
    );
  memory
    .command('forget <id>')
    .description('delete one learning (its full id, from `memory search`)')
    .action(
      withConfig(async (config, _opts: object, id: string) => {
        if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) throw new Error(`"${id}" is not a learning id: pass the full id that \`nightshift memory search\` prints`);
        const { removed } = await withClient(config, (c) => c.forget(id, CLI_TIMEOUT_MS));
        if (!removed) throw new Error(`no learning ${id}`);
        process.stdout.write(`forgot ${id}\n`);
      }),
    );
}

async function withClient<T>(config: Parameters<typeof withRedis>[0], fn: (client: MemoryClient) => Promise<T>): Promise<T> {
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
