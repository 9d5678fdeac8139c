import { type IgnoredNote, isTrustedAuthor, type TrustPolicy } from '@nightshift/domain';

import {
  type FailedCheck,
  type FeedbackQuery,
  isForeignNote,
  type PrFeedback,
  type ReviewNote,
} from '../review-feedback';
import type { GitLabApi, GitLabCall, MrData } from './gitlab-types';

interface NoteData {
  body: string;
  created_at: string;
  system?: boolean;
  author?: { username?: string; bot?: boolean } | null;
}

/**
 * Notes written on the open MRs of `project` (one per query's source branch) newer than its `since`,
 * and the failed jobs of the MR's newest pipeline when it failed since (their trace's tail): one MR
 * list, then per queried MR one notes read and one pipelines read (plus jobs and traces on a failure). System notes ("added 1 commit") and
 * Nightshift's own are skipped; GitLab reports no author association, so a note counts only from a
 * login `trust.authors` lists; the others come back in `ignored`, without their text.
 */
export async function readGitLabFeedback(
  api: GitLabApi,
  project: string,
  queries: FeedbackQuery[],
  call: GitLabCall,
  trust: TrustPolicy,
): Promise<PrFeedback[]> {
  if (queries.length === 0) return [];
  const since = new Map(queries.map((q) => [q.head, q.since]));
  const open = (await call(`listing open merge requests of ${project}`, () =>
    api.MergeRequests.all({ projectId: project, state: 'opened', perPage: 100 }),
  )) as unknown as MrData[];
  const out: PrFeedback[] = [];
  for (const mr of open) {
    const after = since.get(mr.source_branch);
    if (after === undefined) continue;
    const written = (await call(`reading the notes of merge request !${mr.iid} of ${project}`, () =>
      api.MergeRequestNotes.all(project, mr.iid, { sort: 'asc', orderBy: 'created_at', perPage: 100 }),
    )) as unknown as NoteData[];
    const notes: ReviewNote[] = [];
    const ignored: IgnoredNote[] = [];
    for (const n of written) {
      if (n.system || n.created_at <= after || !isForeignNote(n.body)) continue;
      const login = n.author?.username ?? 'someone';
      if (isTrustedAuthor({ login, bot: n.author?.bot ?? false }, trust))
        notes.push({ kind: 'comment', author: login, body: n.body, at: n.created_at });
      else ignored.push({ kind: 'comment', author: login, association: 'NONE', at: n.created_at });
    }
    const failedChecks = await readFailedJobs(api, project, mr, after, call);
    if (notes.length > 0 || ignored.length > 0 || failedChecks.length > 0)
      out.push({
        repo: '',
        number: mr.iid,
        url: mr.web_url,
        head: mr.source_branch,
        notes,
        failedChecks,
        ...(ignored.length ? { ignored } : {}),
      });
  }
  return out;
}

interface PipelineData {
  id: number;
  status: string;
  updated_at: string;
  web_url?: string;
}

interface JobData {
  id: number;
  name: string;
  status: string;
  finished_at?: string | null;
}

// The tail of a job's trace a prompt gets: the failure is at the end.
const TRACE_TAIL = 4_000;

/** The failed jobs (with their trace's tail) of the MR's newest pipeline when it failed after `since`. */
async function readFailedJobs(
  api: GitLabApi,
  project: string,
  mr: MrData,
  since: string,
  call: GitLabCall,
): Promise<FailedCheck[]> {
  const pipelines = (await call(`listing the pipelines of merge request !${mr.iid} of ${project}`, () =>
    api.MergeRequests.allPipelines(project, mr.iid, { perPage: 5, maxPages: 1 }),
  )) as unknown as PipelineData[];
  const newest = pipelines[0];
  if (!newest || newest.status !== 'failed' || newest.updated_at <= since) return [];
  const jobs = (await call(`listing the failed jobs of pipeline ${newest.id} of ${project}`, () =>
    api.Jobs.all(project, { pipelineId: newest.id, scope: 'failed' as never }),
  )) as unknown as JobData[];
  const out: FailedCheck[] = [];
  for (const job of jobs) {
    const trace = await call(`reading the trace of job ${job.id} of ${project}`, () =>
      api.Jobs.showLog(project, job.id),
    );
    out.push({
      name: job.name,
      conclusion: 'failure',
      at: job.finished_at ?? newest.updated_at,
      log: String(trace).slice(-TRACE_TAIL),
      ...(newest.web_url ? { url: newest.web_url } : {}),
    });
  }
  return out;
}
