import path from 'node:path';

import type { RepoConfig } from '@nightshift/config';
import type { SessionJob, SessionResult } from '@nightshift/contracts';
import { moveTicket, redactSecrets, stateFor } from '@nightshift/domain';
import { checkBeforePush, describeFindings, type PushGateVerdict } from '@nightshift/git';

import { directorSecretValues } from './director-secrets';
import type { SessionDeps } from './session-deps';

const MAX_LISTED = 20;

/**
 * The pre-push gate (policy in @nightshift/git's checkBeforePush): the committed change must carry no secret
 * and touch no protected path. Blocked → nothing is pushed and no PR opened; every ticket goes to Needs Human
 * with file, line and rule (never the value); `push.blocked` event and metric; the worktree is kept for a
 * human and marked so, so neither the sweeper nor a removal takes it. Returns null when the push may go on.
 */
export async function gatePush(
  deps: SessionDeps,
  job: SessionJob,
  repo: RepoConfig,
  worktree: string,
): Promise<SessionResult | null> {
  const verdict = await checkBeforePush(worktree, `origin/${repo.baseBranch}`, {
    secrets: directorSecretValues(deps.config),
    allow: repo.secretScan.allow,
    protectedPaths: repo.protectedPaths,
    checks: repo.checks.map((c) => c.argv),
  });
  if (!verdict.blocked) return null;
  const found = describeFindings(verdict.findings);
  const what = verdict.reason === 'secret' ? 'a secret' : 'changes to protected files';
  const reason = `push blocked: ${what} (${found.length} finding${found.length === 1 ? '' : 's'}: ${found.slice(0, 3).join('; ')})`;
  const base = { repo: repo.name, host: deps.host, run: job.runId, ticket: job.tickets[0] };
  deps.metrics.pushBlocked.inc({ repo: repo.name, reason: verdict.reason });
  await deps.events.append({
    type: 'push.blocked',
    ...base,
    detail: { reason: verdict.reason, findings: found.length, where: found.join(' ').slice(0, 400) },
  });
  const key = job.tickets[0] ?? job.runId;
  const kept = await deps.ownership
    .keep(repo.name, path.basename(worktree), job.runId, `push blocked (${verdict.reason})`)
    .catch(() => false);
  const note = redactSecrets(blockedNote(verdict, found, { host: deps.host, worktree, kept, repo: repo.name }));
  for (const ticket of job.tickets) {
    await moveTicket(
      deps,
      ticket,
      stateFor('needs_human', deps.config.tracker.states)!,
      { host: deps.host, run: job.runId },
      note,
    );
  }
  await deps.notifier.notify({ kind: 'needs_human', text: `${key} needs a human: ${reason.slice(0, 200)}` });
  return { outcome: 'task_failed', reason, worktreeKept: `push blocked (${verdict.reason})` };
}

function blockedNote(
  verdict: Extract<PushGateVerdict, { blocked: true }>,
  found: string[],
  where: { host: string; worktree: string; kept: boolean; repo: string },
): string {
  const listed = found.slice(0, MAX_LISTED).map((f) => `- \`${f}\``);
  if (found.length > MAX_LISTED) listed.push(`- … and ${found.length - MAX_LISTED} more`);
  const why =
    verdict.reason === 'secret'
      ? 'the change carries what looks like a secret'
      : 'the change touches files that steer the agent, the CI or the checks';
  const allow =
    verdict.reason === 'secret'
      ? `A test fixture that must hold such a value goes under \`repos[${where.repo}].secretScan.allow\`; a secret the director holds is never allowed.`
      : `A repo that lets the agent change these files lists them under \`repos[${where.repo}].protectedPaths.allow\`.`;
  const kept = where.kept
    ? `The commit is kept, unpushed, in the worktree \`${where.worktree}\` on host ${where.host}; the sweeper leaves it alone until the ticket runs again.`
    : 'The worktree could not be marked as kept: the sweeper may remove it.';
  return [
    `Nightshift did not push this work and opened no pull request: ${why}.`,
    '',
    ...listed,
    '',
    kept,
    allow,
    'Fix or remove these in the worktree, or move the ticket back to the queue for a fresh run.',
  ].join('\n');
}
