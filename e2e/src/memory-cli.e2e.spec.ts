import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

import { MemoryClient } from '@nightshift/memory';
import { FakeOllama } from '@nightshift/testing-fakes';
import { Redis } from 'ioredis';

import { Pipeline, REPO_ROOT, waitFor } from './harness';

const CLI = path.join(REPO_ROOT, 'apps/cli/dist/main.js');
const run = promisify(execFile);

describe('memory-consolidator and `nightshift memory`', () => {
  let pipeline: Pipeline;
  afterEach(() => pipeline?.stop());
  const cli = async (...args: string[]) =>
    (
      await run(process.execPath, [CLI, '--config', pipeline.configFile, ...args], {
        env: { ...process.env, REDIS_URL: pipeline.redisUrl },
      })
    ).stdout;

  it('learns from a queued outcome; search, stats and forget go through the running consolidator', async () => {
    pipeline = await Pipeline.start({ repos: ['api', 'web'] });
    const consolidator = pipeline.spawn('memory-consolidator');
    await consolidator.url;
    const events = new Redis(pipeline.redisUrl, { maxRetriesPerRequest: null });
    const client = new MemoryClient(pipeline.redis, events);
    try {
      await client.record({
        runId: 'NS-1.1',
        repo: 'api',
        tickets: ['NS-1'],
        subject: 'NS-1: migrate the orders table',
        outcome: 'task_failed',
        model: 'cheap-model',
        attempt: 1,
        reason: 'failed during execution',
        lastLines: 'Error: migration 0042 locks the orders table; run it with CONCURRENTLY',
        recalled: [],
        finishedAt: new Date().toISOString(),
      });
      await waitFor(
        'the lesson learned',
        async () => (await pipeline.events.read()).some((e) => e.type === 'memory.learned' && e.run === 'NS-1.1'),
        30_000,
      );
    } finally {
      await client.close();
      events.disconnect();
    }
    const found = JSON.parse(
      await cli('memory', 'search', 'orders table migration', '--repo', 'api', '--json'),
    ) as Array<{ id: string; repo: string; text: string; status: string }>;
    expect(found).toEqual([
      expect.objectContaining({ repo: 'api', status: 'candidate', text: expect.stringContaining('CONCURRENTLY') }),
    ]);
    expect(await cli('memory', 'stats')).toMatch(/1 learnings: 1 candidate\n\s+api: 1/);
    expect(await cli('memory', 'forget', found[0]!.id)).toBe(`forgot ${found[0]!.id}\n`);
    expect(JSON.parse(await cli('memory', 'search', 'orders table migration', '--json'))).toEqual([]);
    const missing = await run(process.execPath, [CLI, '--config', pipeline.configFile, 'memory', 'forget', 'nope'], {
      env: { ...process.env, REDIS_URL: pipeline.redisUrl },
    }).catch((e: { code: number; stderr: string }) => e);
    expect(missing).toMatchObject({ code: 2, stderr: expect.stringMatching(/"nope" is not a learning id/) });
  });

  it('refuses to start when the embedder and the stored collection disagree on the dimension, naming both', async () => {
    pipeline = await Pipeline.start({ repos: ['api'] });
    const first = pipeline.spawn('memory-consolidator');
    await first.url;
    await first.stop();
    const ollama = new FakeOllama({ 'nomic-embed-text': 768 });
    const host = await ollama.start();
    try {
      const config = JSON.parse(readFileSync(pipeline.configFile, 'utf8')) as Record<string, unknown>;
      writeFileSync(
        pipeline.configFile,
        JSON.stringify({ ...config, memory: { embedder: 'ollama', model: 'nomic-embed-text' } }),
      );
      const second = pipeline.spawn('memory-consolidator', { OLLAMA_HOST: host });
      expect(await second.exited).toMatchObject({ code: 2 });
      expect(second.output.join('\n')).toMatch(
        /DimensionMismatchError: memory store embedded:.* holds 4096-dimensional vectors but embedder ollama:nomic-embed-text produces 768/,
      );
    } finally {
      await ollama.stop();
    }
  });
});
