import type BottleneckType from 'bottleneck';

import type { ContentPacer } from './content-pacing';
import type { NightshiftOctokit } from './nightshift-octokit';

export type GitHubClient = InstanceType<typeof NightshiftOctokit>;

export interface GitHubClientOptions {
  token: string;
  /** REST API root; default https://api.github.com (GitHub Enterprise: https://HOST/api/v3). */
  baseUrl?: string;
  /** Retries of 5xx and network failures (plugin-retry). Default 3. */
  retries?: number;
  /** Retry n waits n² × this. Default 1000 ms (1 s, 4 s, 9 s). */
  retryBaseMs?: number;
  /** Spacing of writes (POST/PATCH/PUT/DELETE): GitHub asks for about 1 s. Default 1000 ms (3000 ms for writes that notify people, as the plugin does). */
  writeIntervalMs?: number;
  /** A rate-limit wait up to this long is waited out once in place; a longer one fails so the caller can skip the tick. Default 60 s. */
  maxRateLimitWaitSec?: number;
  /** Makes every content-creating request (isContentCreation) wait its turn: the token's bucket shared through Redis. */
  contentPacer?: ContentPacer;
}

const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * An Octokit for one token: 5xx answers are retried with growing waits, primary and secondary
 * rate limits are waited out once when short and otherwise surface as errors carrying the reset
 * time, and writes are spaced as GitHub's guidance asks.
 */
export function createGitHubClient(opts: GitHubClientOptions): GitHubClient {
  const maxWait = opts.maxRateLimitWaitSec ?? 60;
  const shortWait = (retryAfter: number, _options: unknown, _octokit: unknown, retryCount: number) =>
    retryCount < 1 && retryAfter <= maxWait;
  // Octokit and its plugins load on first use: a CLI command or service that never talks to GitHub
  // does not pay their start-up (bench/cli-startup.js).
  const { NightshiftOctokit: Client } = require('./nightshift-octokit') as typeof import('./nightshift-octokit');
  const Bottleneck = require('bottleneck') as typeof BottleneckType;
  return new Client({
    auth: opts.token,
    contentPacer: opts.contentPacer,
    baseUrl: (opts.baseUrl ?? 'https://api.github.com').replace(/\/+$/, ''),
    userAgent: 'nightshift',
    log: silent,
    retry: { retries: opts.retries ?? 3, retryAfterBaseValue: opts.retryBaseMs ?? 1000 },
    throttle: {
      onRateLimit: shortWait,
      onSecondaryRateLimit: shortWait,
      // The plugin spaces writes 1 s and notification-triggering writes (new PRs, comments) 3 s apart by default.
      write: new Bottleneck.Group({ maxConcurrent: 1, minTime: opts.writeIntervalMs ?? 1000 }),
      notifications: new Bottleneck.Group({ maxConcurrent: 1, minTime: opts.writeIntervalMs ?? 3000 }),
    },
  });
}
