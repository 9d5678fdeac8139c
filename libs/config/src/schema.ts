import { AGENT_KINDS } from '@nightshift/domain';
import { z } from 'zod';

import { agentPermissionFields, repoPermissionFields } from './agent-permissions.schema';
import { followUpSchema } from './follow-up.schema';
import { memorySchema, reaperSchema } from './memory-reaper.schema';
import { prAssignmentSchema } from './pr-assignment.schema';
import { githubRepoOfRemote } from './remotes';
import { agentPodmanSchema, repoSandboxSchema, sandboxMode } from './sandbox.schema';
import { envName, name } from './schema-primitives';
import { forgeSchema, localTrackerSchema, trackerSchema } from './tracker-forge.schema';
import { agentEnvSchema, refuseSecretPassNames, repoTrustFields } from './trust-boundary.schema';

/** A hook is a program and its arguments, run without a shell: a string would invite shell injection. */
const hookCommand = z
  .array(z.string().min(1), { error: 'a hook is an argv array of strings such as ["npm", "ci"], never a shell string' })
  .min(1, 'a hook needs at least the command');

const repoHooksSchema = z
  .object({
    /** Runs in a new worktree; failure removes it and fails the session's setup. */
    afterCreate: hookCommand.optional(),
    /** Runs before each agent launch; failure fails the attempt as infra_error (no attempt spent). */
    beforeRun: hookCommand.optional(),
    /** Runs after the agent exits; failure is logged. */
    afterRun: hookCommand.optional(),
    /** Runs before a worktree is removed; failure is logged and removal goes on. */
    beforeRemove: hookCommand.optional(),
  })
  .strict();

/** A repo check (tests, lint, types): argv without a shell, passing on exit code 0. */
const repoCheckSchema = z
  .object({
    name,
    argv: hookCommand,
    timeoutSec: z.number().positive().default(600),
  })
  .strict();

const repoAgentSchema = z
  .object({
    kind: z.enum(AGENT_KINDS),
    /** Path or PATH name of its binary; default the CLI's usual name (`codex`, `gemini`, `opencode`, `claude`). */
    command: z.string().min(1).optional(),
    /** The model every launch names unless escalated. */
    model: z.string().min(1),
    /** Default: the same model. */
    escalationModel: z.string().min(1).optional(),
  })
  .strict();

const repoSchema = z
  .object({
    name,
    /** Git URL or path of the remote the PR branch is pushed to; a relative path is taken from the config file's folder. */
    remote: z.string().min(1),
    baseBranch: z.string().min(1).default('main'),
    capability: name.default('linux'),
    labels: z.array(z.string()).default([]),
    keywords: z.array(z.string()).default([]),
    rulesFiles: z.array(z.string()).default(['CLAUDE.md', 'AGENTS.md']),
    /** A prompt template inside the repo (e.g. `.nightshift/prompt.md`), rendered strictly; default: the built-in one. */
    promptTemplate: z.string().optional(),
    /** A PR body template inside the repo (e.g. `.nightshift/pr.md`), rendered strictly; default: the built-in one. */
    prTemplate: z.string().optional(),
    /** Labels (default `nightshift`), reviewers and assignees of this repo's PRs. */
    pr: prAssignmentSchema,
    /** Commands run in the worktree at fixed points of a session (argv arrays, no shell). */
    hooks: repoHooksSchema.default({}),
    /** Run in the worktree after a successful session, before the PR; a failure goes back to the agent (see repairAttempts). */
    checks: z.array(repoCheckSchema).default([]),
    /** Repair sessions on the same worktree after failing checks, before giving up on the checks. */
    repairAttempts: z.number().int().min(0).max(10).default(2),
    /** Checks still failing after the repairs: open the PR as a draft labelled checks-failing, or send the ticket to Needs Human. */
    onChecksFailing: z.enum(['draft', 'needs-human']).default('draft'),
    /**
     * When the base branch moves under an open Nightshift PR: `rebase` (rebase it when that is clean and its checks
     * pass, else a follow-up session on the same branch), `session` (a session only when it conflicts), `comment`
     * (say so on the ticket and label the PR `conflicts`), or `off`. Local forge (docs/base-moves.md).
     */
    onBaseMove: z.enum(['rebase', 'session', 'comment', 'off']).default('rebase'),
    /** Whose review feedback, PR comments and ticket comments steer the agent: GitHub `author_association` values (docs/security-prompts.md). */
    trustedAssociations: z
      .array(
        z.enum(['OWNER', 'MEMBER', 'COLLABORATOR', 'CONTRIBUTOR', 'FIRST_TIME_CONTRIBUTOR', 'FIRST_TIMER', 'NONE']),
      )
      .default(['OWNER', 'MEMBER', 'COLLABORATOR']),
    /** Logins trusted whatever their association; a bot (`renovate[bot]`) is trusted only when listed here. */
    trustedAuthors: z.array(z.string().min(1)).default([]),
    /** At most this many sessions of this repo at once across all hosts; a ticket over it waits (nothing spent). Unset: no cap. */
    maxConcurrent: z.number().int().min(1).optional(),
    /** This repo's agent container (image, limits, egress) when its sandbox mode is podman. */
    sandbox: repoSandboxSchema.default(repoSandboxSchema.parse({})),
    /** Another agent CLI for this repo than `agent.kind` (its models are that CLI's; docs/agents.md). */
    agent: repoAgentSchema.optional(),
    /** Other CLIs this repo's work may run on: by ticket label (`agent:codex`), by attempts along agent.escalation, or when its own CLI's accounts are all paused (docs/agents.md). */
    agents: z.array(z.enum(AGENT_KINDS)).default([]),
    ...repoPermissionFields,
    ...repoTrustFields,
  })
  .strict();

const hostSchema = z
  .object({
    name,
    capabilities: z.array(name).min(1).default(['linux']),
    slots: z.number().int().min(1).max(256).default(4),
    /** Overrides `agent.sandbox` on this host (a Mac's mobile runner cannot run Linux containers for Xcode). */
    sandbox: sandboxMode.optional(),
  })
  .strict();

/** Role → tracker state names; each tracker kind has its own defaults (GitHub Issues uses labels). */
const accountSchema = z
  .object({
    name,
    /** The account's credential directory (CLAUDE_CONFIG_DIR), bind-mounted from the host, never copied. Default: the CLI's own (~/.claude). */
    configDir: z.string().optional(),
    /** Environment variable holding this account's API key; the agent sees its value as ANTHROPIC_API_KEY. */
    apiKeyEnv: envName.optional(),
    /** The CLI (so the vendor) this account belongs to; default `agent.kind`. A vendor's pause stops only its accounts. */
    agent: z.enum(AGENT_KINDS).optional(),
  })
  .strict();

const modelPriceSchema = z
  .object({
    input: z.number().nonnegative(),
    output: z.number().nonnegative(),
    cacheRead: z.number().nonnegative().default(0),
    cacheWrite: z.number().nonnegative().default(0),
  })
  .strict();

const agentSchema = z
  .object({
    /** Which agent CLI runs the sessions (docs/agents.md: what each can and cannot express). */
    kind: z.enum(AGENT_KINDS).default('claude-code'),
    /** Path or PATH name of the agent CLI (`claude`, `codex`, `gemini`, `opencode`). */
    command: z.string().min(1).default('claude'),
    /** The model every launch names unless escalated: the cheap one. */
    model: z.string().min(1).default('sonnet'),
    escalationModel: z.string().min(1).default('opus'),
    escalateAfter: z.number().int().min(1).default(2),
    /**
     * `vendor:model` entries (`claude:sonnet`, `codex:gpt-5-codex`, `gemini:…`, `opencode:provider/model`): when every
     * account of a repo's CLI is paused, its session moves to the first entry of another CLI the repo lists in
     * `repos[].agents` that has a free account, spending no attempt.
     */
    escalation: z
      .array(
        z.string().regex(/^(claude|codex|gemini|opencode):\S+$/, 'an entry is vendor:model, e.g. codex:gpt-5-codex'),
      )
      .default([]),
    /** Binaries of the other CLIs the escalation or a repo may use; default their usual names. */
    commands: z.partialRecord(z.enum(AGENT_KINDS), z.string().min(1)).default({}),
    maxTurns: z.number().int().min(1).default(40),
    permissionMode: z
      .enum(['acceptEdits', 'auto', 'bypassPermissions', 'default', 'dontAsk', 'plan'])
      .default('acceptEdits'),
    sessionTimeoutMin: z.number().positive().default(60),
    fastFailSec: z.number().nonnegative().default(10),
    /** A session that printed its result but has not exited after this long is killed (it finished, it just never exits). */
    afterResultGraceSec: z.number().positive().default(30),
    /** No output for this long with no tool call open and no CPU used: the session is killed as stalled. */
    stallTimeoutSec: z.number().positive().default(300),
    /** A tool call's limit when it asks for none, and the cap on a Bash call's own timeout (the CLI's maximum, 10 min). */
    toolTimeoutMaxSec: z.number().positive().default(600),
    /** Added to an open tool call's limit before its silence counts as a stall. */
    toolTimeoutMarginSec: z.number().nonnegative().default(60),
    /** Past its silence limit, a process group using at least this much of one core (%) is working, not stalled. */
    busyCpuPercent: z.number().positive().max(100).default(1),
    /** A rate limit whose message gives no reset time pauses the account this long. */
    rateLimitBackoffMin: z.number().positive().default(15),
    /** Agent accounts; a rate limit or auth failure pauses one, and work moves to another. */
    accounts: z
      .array(accountSchema)
      .min(1)
      .default([{ name: 'default' }]),
    /**
     * The prompt is assembled within this many tokens (estimated at 1 token per 3 bytes, conservative
     * for prose and code); the ticket's description, comments, rules files and learnings are cut to
     * their shares, each cut marked in the prompt and recorded on the run.
     */
    maxPromptTokens: z.number().int().min(2000).default(60_000),
    /** Pre-flight auth check per account before launching; argv, default `<command> auth status`. */
    authCheck: z
      .object({
        command: z.array(z.string().min(1)).min(1).optional(),
        cacheSec: z.number().nonnegative().default(300),
        enabled: z.boolean().default(true),
      })
      .strict()
      .default({ cacheSec: 300, enabled: true }),
    /**
     * USD per million tokens by model, for CLIs that print no cost (Codex, Gemini CLI): a run's cost is then
     * estimated from its tokens and marked as such. A CLI's own cost always wins.
     */
    prices: z.record(z.string().min(1), modelPriceSchema).default({}),
    /** Podman settings of `sandbox: podman` (binary, network, vendor hosts the proxy allows). */
    podman: agentPodmanSchema.default(agentPodmanSchema.parse({})),
    ...agentPermissionFields,
    /** Variables every agent (and every hook and check in its worktree) gets on top of its allowlist. */
    env: agentEnvSchema.default({ pass: [], set: {} }),
  })
  .strict();

const routingSchema = z
  .object({
    batchSize: z.number().int().min(1).max(4).default(1),
    /**
     * Tickets that may wait claimed in a session queue for a slot, ahead of the free slots (so a freed slot starts at
     * once). Absent: batchSize. In Progress per capability never passes its live slots × batchSize either way.
     */
    dispatchLookahead: z.number().int().min(0).optional(),
    maxAttempts: z.number().int().min(1).default(3),
    /** How long a claim lives without renewal; session-runners renew it while they work. */
    claimLeaseSec: z.number().positive().default(7200),
    /** After a failure that spends no attempt, how long before the ticket is picked up again. */
    retryDelaySec: z.number().nonnegative().default(60),
    /** After this many infrastructure failures in a row (delays doubling from retryDelaySec), the ticket goes to Needs Human once. */
    maxInfraRetries: z.number().int().min(1).default(5),
    /** BullMQ job lock: a session whose runner died is handed to another runner after about this long. */
    jobLockSec: z.number().positive().default(30),
    /** How often workers look for jobs whose runner died. */
    stalledCheckSec: z.number().positive().default(30),
    /** A ticket In Progress with no live claim and no queued or running session this long goes back to the queue. */
    strandedAfterSec: z.number().positive().default(300),
  })
  .strict();

const hooksSchema = z
  .object({
    /** A hook still running after this long is killed with its whole process group. */
    timeoutSec: z.number().positive().default(60),
  })
  .strict();

const worktreesSchema = z
  .object({
    /** Mirrors and worktrees of this host; defaults to <dataDir>/worktrees. */
    root: z.string().optional(),
    /** Disk budget of the root (mirrors included); new worktrees wait while it is exceeded. Unset: no budget. */
    maxDiskGb: z.number().positive().optional(),
    /** The sweeper removes unowned worktrees at start and this often. */
    sweepIntervalSec: z.number().positive().default(300),
    /** A repo's mirror is fetched at most once per this interval, however many sessions start. */
    fetchIntervalSec: z.number().nonnegative().default(30),
    /** A worktree whose run stopped heartbeating (or never registered) this long ago is an orphan. */
    orphanGraceSec: z.number().positive().default(120),
  })
  .strict();

const portSchema = z.number().int().min(0).max(65535);

const httpSchema = z
  .object({
    host: z.string().default('127.0.0.1'),
    ports: z
      .object({
        'ticket-scanner': portSchema.default(9401),
        router: portSchema.default(9402),
        'worktree-manager': portSchema.default(9403),
        'session-runner': portSchema.default(9404),
        'zombie-reaper': portSchema.default(9405),
        'metrics-exporter': portSchema.default(9406),
        'memory-consolidator': portSchema.default(9407),
      })
      .strict()
      .default({
        'ticket-scanner': 9401,
        router: 9402,
        'worktree-manager': 9403,
        'session-runner': 9404,
        'zombie-reaper': 9405,
        'metrics-exporter': 9406,
        'memory-consolidator': 9407,
      }),
  })
  .strict();

export const configSchema = z
  .object({
    /** Where local state lives (board, forge records, worktrees, logs, embedded Redis); relative to the config file. */
    dataDir: z.string().default('.nightshift'),
    redis: z.object({ url: z.string().optional() }).strict().default({}),
    tracker: trackerSchema.default(localTrackerSchema.parse({ kind: 'local' })),
    forge: forgeSchema.default(forgeSchema.parse({ kind: 'local' })),
    repos: z.array(repoSchema).min(1, 'configure at least one repo'),
    hosts: z
      .array(hostSchema)
      .min(1)
      .default([{ name: 'local', capabilities: ['linux'], slots: 4 }]),
    agent: agentSchema.default(agentSchema.parse({})),
    routing: routingSchema.default(routingSchema.parse({})),
    worktrees: worktreesSchema.default(worktreesSchema.parse({})),
    hooks: hooksSchema.default(hooksSchema.parse({})),
    reaper: reaperSchema.default(reaperSchema.parse({})),
    http: httpSchema.default(httpSchema.parse({})),
    notifications: z
      .object({
        /** Name of the environment variable holding the Slack incoming-webhook URL (the URL is a secret). */
        slackWebhookEnv: z.string().default('SLACK_WEBHOOK_URL'),
      })
      .strict()
      .default({ slackWebhookEnv: 'SLACK_WEBHOOK_URL' }),
    intake: z
      .object({
        /** Pause intake when more than this share of the sessions started in the last scan cycle fast-failed. */
        fastFailPauseRatio: z.number().min(0).max(1).default(0.8),
        /** ...counted only once at least this many sessions ended in the cycle. */
        fastFailMinSessions: z.number().int().min(1).default(5),
        fastFailPauseMin: z.number().positive().default(15),
      })
      .strict()
      .default({ fastFailPauseRatio: 0.8, fastFailMinSessions: 5, fastFailPauseMin: 15 }),
    /** Spending caps (USD) from the exact run costs; over one, no new session starts for that scope. Unset: no cap. */
    budgets: z
      .object({
        perTicketUsd: z.number().positive().optional(),
        perRepoDailyUsd: z.number().positive().optional(),
        perAccountDailyUsd: z.number().positive().optional(),
        /** Passed to the CLI as --max-budget-usd on every launch. */
        perSessionUsd: z.number().positive().optional(),
      })
      .strict()
      .default({}),
    memory: memorySchema.default(memorySchema.parse({})),
    /** Follow-up sessions on an open PR after review comments, changes requested or failed CI (same branch, same PR). */
    followUp: followUpSchema.default(followUpSchema.parse({})),
    observability: z
      .object({
        /** Exported as `nightshift_cost_budget_usd_per_hour`; the CostOverBudget alert compares spend with it. */
        costBudgetUsdPerHour: z.number().positive().default(10),
        /** Name of the environment variable holding the operator API's bearer token (required when `http.host` is not loopback). */
        apiTokenEnv: z.string().default('NIGHTSHIFT_API_TOKEN'),
        /** `Host` names the operator API and queue board answer besides loopback ones (DNS rebinding is refused). */
        apiAllowedHosts: z.array(z.string().min(1)).default([]),
        /** Let state-changing API calls (pause, resume, refresh) through without the token on a loopback bind. */
        apiOpenWrites: z.boolean().default(false),
      })
      .strict()
      .default({
        costBudgetUsdPerHour: 10,
        apiTokenEnv: 'NIGHTSHIFT_API_TOKEN',
        apiAllowedHosts: [],
        apiOpenWrites: false,
      }),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'),
  })
  .strict()
  .superRefine((config, ctx) => {
    unique(
      config.repos.map((r) => r.name),
      ['repos'],
      'repo name',
      ctx,
    );
    unique(
      config.hosts.map((h) => h.name),
      ['hosts'],
      'host name',
      ctx,
    );
    // A repo on a CLI with no account of that vendor would wait forever.
    const vendors = new Set(config.agent.accounts.map((a) => a.agent ?? config.agent.kind));
    config.repos.forEach((repo, i) => {
      const kind = repo.agent?.kind ?? config.agent.kind;
      if (!vendors.has(kind))
        ctx.addIssue({
          code: 'custom',
          path: ['repos', i, 'agent'],
          message: `repo "${repo.name}" runs on ${kind} but agent.accounts has no ${kind} account: add one with \`agent: ${kind}\``,
        });
    });
    if (config.forge.kind === 'github') {
      const mapped = config.forge.repos;
      config.repos.forEach((repo, i) => {
        if (!mapped[repo.name] && !githubRepoOfRemote(repo.remote)) {
          ctx.addIssue({
            code: 'custom',
            path: ['repos', i, 'remote'],
            message: `forge.kind is github but repo "${repo.name}" has no GitHub repository: add "${repo.name}: owner/name" under forge.repos or use a github.com remote`,
          });
        }
      });
      for (const name of Object.keys(mapped)) {
        if (!config.repos.some((r) => r.name === name))
          ctx.addIssue({
            code: 'custom',
            path: ['forge', 'repos', name],
            message: `no repo named "${name}" is configured`,
          });
      }
    }
    if (config.forge.kind === 'gitlab') {
      const mapped = config.forge.projects;
      config.repos.forEach((repo, i) => {
        if (!mapped[repo.name])
          ctx.addIssue({
            code: 'custom',
            path: ['repos', i, 'name'],
            message: `forge.kind is gitlab but repo "${repo.name}" has no GitLab project: add "${repo.name}: group/name" under forge.projects`,
          });
      });
      for (const name of Object.keys(mapped))
        if (!config.repos.some((r) => r.name === name))
          ctx.addIssue({
            code: 'custom',
            path: ['forge', 'projects', name],
            message: `no repo named "${name}" is configured`,
          });
    }
    refuseSecretPassNames(config, ctx);
    const served = new Set(config.hosts.flatMap((h) => h.capabilities));
    config.repos.forEach((repo, i) => {
      if (!served.has(repo.capability)) {
        ctx.addIssue({
          code: 'custom',
          path: ['repos', i, 'capability'],
          message: `no host serves capability "${repo.capability}"; add it to a host's capabilities`,
        });
      }
    });
  });

function unique(values: string[], path: (string | number)[], what: string, ctx: z.RefinementCtx): void {
  const seen = new Set<string>();
  values.forEach((value, i) => {
    if (seen.has(value)) ctx.addIssue({ code: 'custom', path: [...path, i], message: `duplicate ${what} "${value}"` });
    seen.add(value);
  });
}

/** nightshift.yaml as written (defaults applied). */
export type RawConfig = z.infer<typeof configSchema>;
export type RepoConfig = RawConfig['repos'][number];
export type HostConfig = RawConfig['hosts'][number];
export type AgentConfig = RawConfig['agent'];
export type AccountConfig = AgentConfig['accounts'][number];
export type WorkflowStatesConfig = RawConfig['tracker']['states'];
export type TrackerConfig = RawConfig['tracker'];
export type ForgeConfig = RawConfig['forge'];
export type LinearTrackerConfig = Extract<TrackerConfig, { kind: 'linear' }>;
export type GitHubTrackerConfig = Extract<TrackerConfig, { kind: 'github' }>;
export type JiraTrackerConfig = Extract<TrackerConfig, { kind: 'jira' }>;
export type GitLabTrackerConfig = Extract<TrackerConfig, { kind: 'gitlab' }>;
export type GitHubForgeConfig = Extract<ForgeConfig, { kind: 'github' }>;
export type GitLabForgeConfig = Extract<ForgeConfig, { kind: 'gitlab' }>;
export type RepoHooksConfig = RepoConfig['hooks'];
export type RepoCheckConfig = RepoConfig['checks'][number];
export type WorktreesConfig = RawConfig['worktrees'];
export type MemoryConfig = RawConfig['memory'];
export type FollowUpConfig = RawConfig['followUp'];
export type AgentEnvConfig = AgentConfig['env'];
export type ServiceName = keyof RawConfig['http']['ports'];
