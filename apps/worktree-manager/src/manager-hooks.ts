import * as fs from 'node:fs';

import { agentEnv, type NightshiftConfig } from '@nightshift/config';
import { redactSecrets } from '@nightshift/domain';
import { hookEnv, HookFailedError, type HookKind, runHook } from '@nightshift/git';
import type { ServiceRuntime } from '@nightshift/service-shell';

import type { WorktreeMetrics } from './worktree-metrics';

/** The worktree a hook runs in. */
export interface HookTarget {
  repo: string;
  worktreeKey: string;
  path: string;
  branch: string;
  runId: string;
}

/** The two hooks the worktree-manager runs itself: afterCreate (must succeed) and beforeRemove (best effort). */
export class ManagerHooks {
  constructor(
    private readonly config: NightshiftConfig,
    private readonly root: string,
    private readonly logger: ServiceRuntime['logger'],
    private readonly metrics: WorktreeMetrics,
  ) {}

  /** Runs the repo's afterCreate hook, if any. Throws HookFailedError (or UnsafePathError) on failure. */
  async afterCreate(target: HookTarget): Promise<void> {
    await this.run('afterCreate', target);
  }

  /** Runs the repo's beforeRemove hook, if any and if the worktree is there; a failure is only logged. */
  async beforeRemove(target: HookTarget): Promise<void> {
    if (!fs.existsSync(target.path)) return;
    await this.run('beforeRemove', target).catch((err: unknown) => {
      this.logger.warn(
        { repo: target.repo, run: target.runId, worktree: target.path, err: errorText(err) },
        'beforeRemove hook failed; removing the worktree anyway',
      );
    });
  }

  private async run(kind: HookKind, target: HookTarget): Promise<void> {
    const repo = this.config.repos.find((r) => r.name === target.repo);
    const argv = repo?.hooks[kind];
    if (!repo || !argv) return;
    try {
      const result = await runHook(kind, argv, {
        cwd: target.path,
        root: this.root,
        worktreeKey: target.worktreeKey,
        timeoutMs: this.config.hooks.timeoutSec * 1000,
        // The repo's hook runs in the agent's worktree: the agent's environment, never the manager's.
        env: { ...agentEnv({ config: this.config, repo }), ...hookEnv(target) },
      });
      this.logger.info({ repo: target.repo, run: target.runId, hook: kind, ms: result.durationMs }, 'hook ran');
      this.logger.debug(
        { repo: target.repo, run: target.runId, hook: kind, output: redactSecrets(result.outputTail) },
        'hook output (tail)',
      );
    } catch (err) {
      this.metrics.hookFailures.inc({ kind });
      throw err;
    }
  }
}

function errorText(err: unknown): string {
  return redactSecrets(err instanceof HookFailedError || err instanceof Error ? err.message : String(err));
}
