import { z } from 'zod';

import { DEFAULT_COMMIT_AUTHOR } from './remotes';
import { envName } from './schema-primitives';

/* The tracker and forge sections: local, Linear, GitHub; secrets only as environment variable names. */

function statesSchemaWith(d: {
  queue: string[];
  inProgress: string;
  inReview: string;
  done: string;
  needsHuman: string;
}) {
  const schema = z
    .object({
      queue: z.array(z.string().min(1)).min(1).default(d.queue),
      inProgress: z.string().min(1).default(d.inProgress),
      inReview: z.string().min(1).default(d.inReview),
      done: z.string().min(1).default(d.done),
      needsHuman: z.string().min(1).default(d.needsHuman),
    })
    .strict();
  return schema.default(schema.parse({}));
}

const statesSchema = statesSchemaWith({
  queue: ['Agent Queue'],
  inProgress: 'In Progress',
  inReview: 'In Review',
  done: 'Done',
  needsHuman: 'Needs Human',
});

/** Names of environment variables: the config says where a secret is, never what it is. */
const githubRepoName = z
  .string()
  .regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, 'a GitHub repository written as owner/name');
const httpsUrl = z.url({ protocol: /^https?$/, error: 'an http(s) URL' });

/** Signed webhooks served by ticket-scanner for instant intake; polling stays as the safety net. */
const webhookSchema = z
  .object({
    /** Environment variable holding the webhook signing secret. */
    secretEnv: envName,
  })
  .strict();

const trackerCommon = {
  scanIntervalSec: z.number().positive().default(120),
  /**
   * Of the tracker's hourly budget, polling (listings, reconciliation, the stranded check) may spend at
   * most this share; moves and comments keep the rest. Polling slows (with an event) to stay within it.
   */
  pollBudgetShare: z.number().gt(0).max(1).default(0.25),
};

export const localTrackerSchema = z
  .object({
    kind: z.literal('local'),
    ...trackerCommon,
    states: statesSchema,
    /** Local board folder; defaults to <dataDir>/board. */
    dir: z.string().optional(),
  })
  .strict();

const linearStatesOverride = z
  .object({
    queue: z.array(z.string().min(1)).min(1).optional(),
    inProgress: z.string().min(1).optional(),
    inReview: z.string().min(1).optional(),
    done: z.string().min(1).optional(),
    needsHuman: z.string().min(1).optional(),
  })
  .strict();

const linearTrackerSchema = z
  .object({
    kind: z.literal('linear'),
    ...trackerCommon,
    states: statesSchema,
    /** Environment variable holding the Linear API key. */
    tokenEnv: envName.default('LINEAR_API_KEY'),
    apiUrl: httpsUrl.default('https://api.linear.app/graphql'),
    /** Teams whose issues Nightshift works; a team whose state names differ from `states` overrides them here. */
    teams: z
      .array(
        z
          .object({
            key: z.string().regex(/^[A-Za-z0-9_]+$/, 'a Linear team key such as ENG'),
            states: linearStatesOverride.optional(),
          })
          .strict(),
      )
      .min(1, 'name at least one Linear team key'),
    /** Most issues per request (Linear allows 250); each query's own complexity may ask for smaller pages. */
    pageSize: z.number().int().min(1).max(250).default(250),
    /** How the token authenticates: a personal API key, or an OAuth app's token (Linear's limits differ, docs/trackers.md). */
    authKind: z.enum(['apiKey', 'oauth']).default('apiKey'),
    /** The hourly budget to live within; unset figures are Linear's published limits for `authKind`. */
    budget: z
      .object({
        requestsPerHour: z.number().int().positive().optional(),
        complexityPerHour: z.number().int().positive().optional(),
      })
      .strict()
      .default({}),
    webhook: webhookSchema.optional(),
  })
  .strict();

const githubClientTuning = {
  /** Environment variable holding the GitHub token. */
  tokenEnv: envName.default('GITHUB_TOKEN'),
  /** REST API root (GitHub Enterprise: https://HOST/api/v3). */
  baseUrl: httpsUrl.default('https://api.github.com'),
  /** Retries of 5xx answers, waiting 1, 4, 9 … × retryBaseMs. */
  retries: z.number().int().min(0).max(10).default(3),
  retryBaseMs: z.number().int().min(0).default(1000),
  /** Spacing of writes; GitHub asks for about 1 s between content-creating requests. */
  writeIntervalMs: z.number().int().min(0).default(1000),
  /**
   * GitHub's content-creation limits per token (PRs, comments, labels, review requests, body edits).
   * Every host paces them to 90 % through one bucket in Redis; lower them if other tools share the token.
   */
  contentLimits: z
    .object({
      perMinute: z.number().int().min(1).default(80),
      perHour: z.number().int().min(1).default(500),
    })
    .strict()
    .default({ perMinute: 80, perHour: 500 }),
};

const githubTrackerSchema = z
  .object({
    kind: z.literal('github'),
    ...trackerCommon,
    /** State names are issue labels; the done state also closes the issue. */
    states: statesSchemaWith({
      queue: ['agent-queue'],
      inProgress: 'agent-working',
      inReview: 'agent-review',
      done: 'agent-done',
      needsHuman: 'needs-human',
    }),
    ...githubClientTuning,
    /** Repositories whose issues are tickets; a ticket key is `<keyPrefix>-<issue number>`. */
    repos: z
      .array(
        z
          .object({
            repo: githubRepoName,
            keyPrefix: z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'letters, digits or "_", starting with a letter'),
          })
          .strict(),
      )
      .min(1, 'name at least one repository whose issues are tickets'),
    /** Whose issues and comments count: an outsider's issue is queued only once a trusted person applies the queue label (docs/security-prompts.md). */
    trustedAssociations: z
      .array(
        z.enum(['OWNER', 'MEMBER', 'COLLABORATOR', 'CONTRIBUTOR', 'FIRST_TIME_CONTRIBUTOR', 'FIRST_TIMER', 'NONE']),
      )
      .default(['OWNER', 'MEMBER', 'COLLABORATOR']),
    trustedAuthors: z.array(z.string().min(1)).default([]),
    webhook: webhookSchema.optional(),
  })
  .strict();

const jiraTrackerSchema = z
  .object({
    kind: z.literal('jira'),
    ...trackerCommon,
    /** Jira status names; a move runs the workflow transition that leads to the status (docs/trackers.md). */
    states: statesSchema,
    /** The Jira Cloud site, e.g. https://acme.atlassian.net. */
    baseUrl: httpsUrl,
    /** Environment variable holding the Atlassian account email the API token belongs to. */
    emailEnv: envName.default('JIRA_EMAIL'),
    /** Environment variable holding the Atlassian API token. */
    tokenEnv: envName.default('JIRA_API_TOKEN'),
    /** Project keys whose issues are tickets. */
    projects: z
      .array(z.string().regex(/^[A-Z][A-Z0-9_]+$/, 'a Jira project key such as ENG'))
      .min(1, 'name at least one Jira project key'),
    /** Issues per search page (Jira returns at most 100 when fields are asked for). */
    pageSize: z.number().int().min(1).max(100).default(100),
    /**
     * The hourly request budget polling takes its share of. Atlassian publishes no hourly quota for
     * API-token traffic (burst limits only); an app's points-based quota goes here. Default 10,000.
     */
    budget: z
      .object({ requestsPerHour: z.number().int().positive().default(10_000) })
      .strict()
      .default({ requestsPerHour: 10_000 }),
    /** Jira Cloud webhooks with a secret (X-Hub-Signature) for instant intake; polling stays the safety net. */
    webhook: webhookSchema.optional(),
  })
  .strict();

const gitlabTrackerSchema = z
  .object({
    kind: z.literal('gitlab'),
    ...trackerCommon,
    /** State names are issue labels, scoped by default (GitLab keeps one label per `scope::`); done also closes the issue. */
    states: statesSchemaWith({
      queue: ['nightshift::queue'],
      inProgress: 'nightshift::in-progress',
      inReview: 'nightshift::in-review',
      done: 'nightshift::done',
      needsHuman: 'nightshift::needs-human',
    }),
    /** Instance root: https://gitlab.com or a self-managed instance. */
    baseUrl: httpsUrl.default('https://gitlab.com'),
    /** Environment variable holding the GitLab token (scope `api`). */
    tokenEnv: envName.default('GITLAB_TOKEN'),
    /** Projects whose issues are tickets; a ticket key is `<keyPrefix>-<issue iid>`. */
    projects: z
      .array(
        z
          .object({
            project: z.string().regex(/^[\w.-]+(\/[\w.-]+)+$/, 'a GitLab project path such as group/name'),
            keyPrefix: z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'letters, digits or "_", starting with a letter'),
          })
          .strict(),
      )
      .min(1, 'name at least one GitLab project whose issues are tickets'),
    /** The hourly request budget polling takes its share of (gitlab.com: 2,000 authenticated requests a minute). */
    budget: z
      .object({ requestsPerHour: z.number().int().positive().default(120_000) })
      .strict()
      .default({ requestsPerHour: 120_000 }),
    /** GitLab issue webhooks (X-Gitlab-Token) for instant intake; polling stays the safety net. */
    webhook: webhookSchema.optional(),
  })
  .strict();

/** A missing `kind` means the local board, as before kinds existed. */
const withLocalKind = (value: unknown) =>
  value && typeof value === 'object' && !Array.isArray(value) && !('kind' in value)
    ? { ...value, kind: 'local' }
    : value;

export const trackerSchema = z.preprocess(
  withLocalKind,
  z.discriminatedUnion('kind', [
    localTrackerSchema,
    linearTrackerSchema,
    githubTrackerSchema,
    jiraTrackerSchema,
    gitlabTrackerSchema,
  ]),
);

/** Who Nightshift's commits are by: a bot identity, never whatever the host's global git config says. */
const commitAuthorSchema = z
  .object({
    name: z
      .string()
      .min(1)
      .regex(/^[^<>\n\r\0]+$/, 'a name without <, >, newlines or NUL (git would refuse it)'),
    email: z
      .string()
      .min(3)
      .regex(/^[^<>\s\0]+@[^<>\s\0]+$/, 'an address such as nightshift-bot@example.com'),
  })
  .strict();

const forgeCommon = {
  commitAuthor: commitAuthorSchema.default(DEFAULT_COMMIT_AUTHOR),
};

const localForgeSchema = z
  .object({
    kind: z.literal('local'),
    ...forgeCommon,
    /** Local PR records folder; defaults to <dataDir>/forge. */
    dir: z.string().optional(),
  })
  .strict();

const githubForgeSchema = z
  .object({
    kind: z.literal('github'),
    ...githubClientTuning,
    ...forgeCommon,
    /** Nightshift repo name → GitHub owner/name; a repo left out is taken from a github.com remote URL. */
    repos: z.record(z.string(), githubRepoName).default({}),
    /** Open PRs as drafts. */
    draft: z.boolean().default(false),
    /** Labels every Nightshift PR gets. */
    labels: z.array(z.string().min(1)).default([]),
  })
  .strict();

const gitlabForgeSchema = z
  .object({
    kind: z.literal('gitlab'),
    ...forgeCommon,
    /** Instance root: https://gitlab.com or a self-managed instance. */
    baseUrl: httpsUrl.default('https://gitlab.com'),
    /** Environment variable holding the GitLab token (scopes `api` and `write_repository`); git pushes with it too. */
    tokenEnv: envName.default('GITLAB_TOKEN'),
    /** Nightshift repo name → GitLab project path (group/name); every repo needs one. */
    projects: z.record(
      z.string(),
      z.string().regex(/^[\w.-]+(\/[\w.-]+)+$/, 'a GitLab project path such as group/name'),
    ),
    /** Open merge requests as drafts. */
    draft: z.boolean().default(false),
    /** Labels every Nightshift merge request gets. */
    labels: z.array(z.string().min(1)).default([]),
  })
  .strict();

export const forgeSchema = z.preprocess(
  withLocalKind,
  z.discriminatedUnion('kind', [localForgeSchema, githubForgeSchema, gitlabForgeSchema]),
);
