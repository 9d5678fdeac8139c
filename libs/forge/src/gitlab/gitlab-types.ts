import type { Gitlab } from '@gitbeaker/rest';

/** A merge request as GitLab's REST API answers it (the fields the forge reads). */
export interface MrData {
  iid: number;
  web_url: string;
  title: string;
  description?: string | null;
  state: string;
  created_at: string;
  source_branch: string;
  target_branch: string;
  labels?: string[];
  draft?: boolean;
}

export type GitLabApi = InstanceType<typeof Gitlab>;
export type GitLabCall = <T>(operation: string, fn: () => Promise<T>) => Promise<T>;
