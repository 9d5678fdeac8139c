import { normalizeLabels } from '../ticket-file';
import type { Blocker, TrackerTicket } from '../tracker';
import { adfToMarkdown } from './jira-adf';

/** The only fields a listing asks for: the search endpoint returns none unless named, and fewer is cheaper. */
export const JIRA_LIST_FIELDS = ['summary', 'status', 'labels', 'priority', 'created', 'updated', 'issuelinks'];
/** A full read adds the description and comments. */
export const JIRA_TICKET_FIELDS = [...JIRA_LIST_FIELDS, 'description', 'comment', 'project', 'issuetype'];

interface JiraStatus {
  name?: string;
  statusCategory?: { key?: string };
}

/** The part of a Jira issue Nightshift reads. */
export interface JiraIssueData {
  id?: string;
  key?: string;
  fields?: {
    summary?: string;
    status?: JiraStatus;
    labels?: string[];
    priority?: { name?: string } | null;
    created?: string;
    updated?: string;
    description?: unknown;
    issuelinks?: Array<{
      type?: { name?: string; inward?: string };
      inwardIssue?: { key?: string; fields?: { status?: JiraStatus } };
    }>;
    comment?: { comments?: Array<{ author?: { displayName?: string }; body?: unknown; created?: string }> };
    project?: { id?: string; key?: string };
    issuetype?: { id?: string; name?: string };
  };
}

/** Jira's default priority scheme, most urgent first (Nightshift's 1 is most urgent; 0 is none). */
const PRIORITIES = ['highest', 'high', 'medium', 'low', 'lowest'];

/** An issue as a ticket (the description and comments as Markdown when the fields were read). */
export function jiraToTicket(issue: JiraIssueData, siteUrl: string): TrackerTicket {
  const f = issue.fields ?? {};
  const key = issue.key ?? '';
  return {
    key,
    id: issue.id,
    title: f.summary ?? '',
    description: f.description === undefined ? '' : adfToMarkdown(f.description),
    state: f.status?.name ?? 'unknown',
    labels: normalizeLabels(f.labels ?? []),
    priority: PRIORITIES.indexOf((f.priority?.name ?? '').toLowerCase()) + 1,
    createdAt: f.created ?? '',
    updatedAt: f.updated ?? '',
    url: `${siteUrl.replace(/\/+$/, '')}/browse/${key}`,
    comments: (f.comment?.comments ?? []).map((c) => ({
      author: c.author?.displayName ?? 'unknown',
      body: adfToMarkdown(c.body),
      createdAt: c.created ?? '',
    })),
    blockedBy: jiraBlockers(issue),
  };
}

/** "is blocked by" links (the inward side of Jira's Blocks link type); a blocker is open until its status is in the done category. */
export function jiraBlockers(issue: JiraIssueData): Blocker[] {
  return (issue.fields?.issuelinks ?? [])
    .filter((l) => l.inwardIssue?.key && (l.type?.inward ?? '').toLowerCase() === 'is blocked by')
    .map((l) => ({
      key: l.inwardIssue!.key!,
      state: l.inwardIssue!.fields?.status?.name ?? 'unknown',
      open: l.inwardIssue!.fields?.status?.statusCategory?.key !== 'done',
    }));
}
