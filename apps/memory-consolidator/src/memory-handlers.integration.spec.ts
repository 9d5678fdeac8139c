import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { parseConfig } from '@nightshift/config';
import { EmbeddedVectorStore, LexicalHashEmbedder, Memory } from '@nightshift/memory';
import { EventLog } from '@nightshift/state';
import { useTestRedis } from '@nightshift/testing-fakes';
import pino from 'pino';

import { DIGESTS_KEY, LAST_CONSOLIDATION_KEY, memoryHandlers } from './memory-handlers';

describe('memory-consolidator handlers', () => {
  const redis = useTestRedis();
  let dir: string;
  let memory: Memory;
  beforeEach(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'ns-consolidator-'));
    memory = new Memory(new EmbeddedVectorStore(dir, 'm'), new LexicalHashEmbedder());
    await memory.open();
  });
  afterEach(async () => {
    await memory.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const handlers = () => {
    const config = parseConfig('repos: [{ name: api, remote: /r }]', '/tmp/nightshift.yaml').memory;
    return memoryHandlers({
      memory,
      config,
      redis: redis.redis,
      events: new EventLog(redis.redis),
      logger: pino({ level: 'silent' }),
    });
  };

  it('learns from an outcome, answers recall, and drops a request nobody waits for any more', async () => {
    const h = handlers();
    const learned = await h.outcome({
      runId: 'API-1.1',
      repo: 'api',
      tickets: ['API-1'],
      subject: 'API-1: cache the price list',
      outcome: 'timeout',
      model: 'sonnet',
      attempt: 1,
      reason: 'timed out',
      lastLines: 'the price list cache never warms up',
      recalled: [],
      finishedAt: new Date().toISOString(),
    });
    expect(learned.action).toBe('created');
    expect((await new EventLog(redis.redis).read()).map((e) => e.type)).toEqual(['memory.learned']);
    const answer = await h.recall({ query: 'price list cache', repo: 'api', topK: 3, deadline: Date.now() + 10_000 });
    expect(answer.learnings.map((l) => l.id)).toEqual([learned.learningId]);
    expect(await h.recall({ query: 'price list cache', repo: 'api', topK: 3, deadline: Date.now() - 1 })).toEqual({
      learnings: [],
      answered: false,
    });
  });

  it('consolidation stores the report and one digest per repo; stats show them', async () => {
    const h = handlers();
    await h.outcome({
      runId: 'API-1.1',
      repo: 'api',
      tickets: ['API-1'],
      subject: 'API-1: cache the price list',
      outcome: 'task_failed',
      model: 'sonnet',
      attempt: 1,
      reason: 'failed',
      lastLines: 'stale cache',
      recalled: [],
      finishedAt: new Date().toISOString(),
    });
    const report = await h.consolidate({});
    expect(report).toMatchObject({ before: 1, after: 1, digests: 1 });
    expect(JSON.parse((await redis.redis.get(LAST_CONSOLIDATION_KEY))!)).toEqual(report);
    expect(await redis.redis.hget(DIGESTS_KEY, 'api')).toMatch(/^1 lessons \(0 trusted\) on api/);
    const stats = await h.stats({});
    expect(stats).toMatchObject({
      total: 1,
      byStatus: { candidate: 1 },
      byRepo: { api: 1 },
      dimension: 4096,
      lastConsolidation: report,
    });
  });
});
