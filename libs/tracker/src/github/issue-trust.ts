import { isTrustedAuthor, type TrustPolicy } from '@nightshift/domain';
import { type GitHubClient, splitRepo } from '@nightshift/github-client';

export interface AuthoredByGitHub {
  user?: { login?: string; type?: string } | null;
  author_association?: string;
}

interface LabelEvent {
  event: string;
  actor?: { login?: string; type?: string } | null;
  label?: { name?: string };
}

/** Write access (or more) on the repo counts as a collaborator for the trust policy. */
const PERMISSION_AS_ASSOCIATION: Record<string, string> = {
  admin: 'OWNER',
  maintain: 'MEMBER',
  write: 'COLLABORATOR',
};

/** Whether a GitHub issue, comment or review's author is trusted under the policy (domain's trusted-author.ts). */
export function trustedOnGitHub(item: AuthoredByGitHub, trust: TrustPolicy): boolean {
  return isTrustedAuthor(
    {
      login: item.user?.login ?? '',
      bot: item.user?.type === 'Bot',
      ...(item.author_association ? { association: item.author_association } : {}),
    },
    trust,
  );
}

/**
 * Decides whether an issue in a queue label may be worked on: yes when its author is trusted; for an
 * outsider's issue, only when the last time the queue label was applied, a trusted person applied it
 * (an issue form's `labels:` are applied by the author). One events read and one permission read per
 * outsider issue, remembered until the issue changes.
 */
export class IssueAdmission {
  private readonly decided = new Map<string, { updatedAt: string; admitted: boolean }>();

  constructor(
    private readonly client: GitHubClient,
    private readonly trust: TrustPolicy,
    private readonly call: <T>(what: string, fn: () => Promise<T>) => Promise<T>,
  ) {}

  async admitted(
    repo: string,
    issue: AuthoredByGitHub & { number: number; updated_at: string },
    queueLabels: string[],
  ): Promise<boolean> {
    if (trustedOnGitHub(issue, this.trust)) return true;
    const key = `${repo.toLowerCase()}#${issue.number}`;
    const known = this.decided.get(key);
    if (known?.updatedAt === issue.updated_at) return known.admitted;
    const events = (await this.call(`reading the label events of ${repo}#${issue.number}`, () =>
      this.client.paginate(this.client.rest.issues.listEvents, {
        ...splitRepo(repo),
        issue_number: issue.number,
        per_page: 100,
      }),
    )) as LabelEvent[];
    const wanted = queueLabels.map((l) => l.toLowerCase());
    const last = events
      .filter((e) => e.event === 'labeled' && wanted.includes((e.label?.name ?? '').toLowerCase()))
      .at(-1);
    const admitted = last?.actor?.login ? await this.trustedActor(repo, last.actor) : false;
    this.decided.set(key, { updatedAt: issue.updated_at, admitted });
    return admitted;
  }

  private async trustedActor(repo: string, actor: { login?: string; type?: string }): Promise<boolean> {
    const login = actor.login!;
    const bot = actor.type === 'Bot';
    // Listed by login (the only way for a bot): no permission read needed.
    const listed = isTrustedAuthor({ login, bot }, this.trust);
    if (listed || bot) return listed;
    const { data } = await this.call(`reading ${login}'s permission on ${repo}`, () =>
      this.client.rest.repos.getCollaboratorPermissionLevel({ ...splitRepo(repo), username: login }),
    );
    const association = PERMISSION_AS_ASSOCIATION[data.permission] ?? 'NONE';
    return isTrustedAuthor({ login, bot, association }, this.trust);
  }
}
