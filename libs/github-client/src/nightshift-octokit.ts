import { Octokit } from '@octokit/rest';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';

/** Octokit with the retry and throttling plugins, as every GitHub adapter uses it. */
export const NightshiftOctokit = Octokit.plugin(retry, throttling);
