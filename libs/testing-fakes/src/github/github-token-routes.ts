import type { RouteAnswer, RouteContext } from './github-route-answers';

/** What the token may do: classic tokens carry `x-oauth-scopes`; fine-grained ones (scopes undefined) do not. */
export interface FakeTokenGrants {
  scopes?: string;
  canPush: boolean;
}

/** `GET /user` and `GET /repos/{owner}/{repo}`: the calls that tell who the token is and what it may do. */
export function tokenRoutes(
  method: string,
  path: string,
  ctx: RouteContext,
  grants: FakeTokenGrants,
): RouteAnswer | undefined {
  if (method !== 'GET') return undefined;
  const headers: Record<string, string> = grants.scopes === undefined ? {} : { 'x-oauth-scopes': grants.scopes };
  if (path === '/user') return { status: 200, body: { login: ctx.login, id: 1, type: 'User' }, headers };
  const perm = /^\/repos\/([^/]+)\/([^/]+)\/collaborators\/([^/]+)\/permission$/.exec(path);
  if (perm) {
    const full = `${decodeURIComponent(perm[1]!)}/${decodeURIComponent(perm[2]!)}`;
    if (!ctx.store.repo(full)) return { status: 404, body: { message: 'Not Found', status: '404' } };
    const login = decodeURIComponent(perm[3]!);
    // As on a public repository: anyone can read; write access is what a collaborator or member has.
    const association = ctx.store.association(full, login);
    const permission =
      association === 'OWNER' ? 'admin' : association === 'COLLABORATOR' || association === 'MEMBER' ? 'write' : 'read';
    return { status: 200, body: { permission, role_name: permission, user: { login, type: 'User' } }, headers };
  }
  const m = /^\/repos\/([^/]+)\/([^/]+)$/.exec(path);
  if (!m) return undefined;
  const full = `${decodeURIComponent(m[1]!)}/${decodeURIComponent(m[2]!)}`;
  if (!ctx.store.repo(full)) return { status: 404, body: { message: 'Not Found', status: '404' } };
  return {
    status: 200,
    body: {
      full_name: full,
      name: m[2],
      owner: { login: m[1] },
      default_branch: 'main',
      permissions: { admin: false, maintain: false, push: grants.canPush, triage: grants.canPush, pull: true },
    },
    headers,
  };
}
