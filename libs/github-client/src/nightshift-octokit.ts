import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';

import { conditionalRequests } from './conditional-requests';
import { type ContentPacer, isContentCreation } from './content-pacing';

/**
 * Content-creating requests wait for the pacer's token. Listed first, so its hook is the innermost: the
 * token is taken after the throttling plugin's queue and retries, right before the request is sent, and
 * GitHub sees requests at the pace the tokens were given.
 */
function contentPacing(
  octokit: Pick<Octokit, 'hook'>,
  options: { contentPacer?: ContentPacer; [option: string]: unknown },
) {
  const pacer = options.contentPacer;
  if (!pacer) return;
  octokit.hook.before('request', async (request) => {
    if (!isContentCreation(request.method, request.url)) return;
    await pacer.take();
  });
}

/**
 * Octokit with content pacing, conditional GETs (ETags: an unchanged answer costs no primary-limit request) and the
 * retry and throttling plugins, as every GitHub adapter uses it.
 */
export const NightshiftOctokit = Octokit.plugin(contentPacing, conditionalRequests, retry, throttling);
