import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { classifyFailure, classifyLocalRemote, type Failure, type FailureKind } from './classify-failure';

/** An error as Node's fetch (undici) throws it, wrapped by Octokit's RequestError (status 500, the cause kept). */
function octokitNetworkError(code: string, message: string): Error {
  const sys = Object.assign(new Error(message), { code });
  const fetchFailed = Object.assign(new TypeError('fetch failed'), { cause: sys });
  return Object.assign(new Error(message), { name: 'HttpError', status: 500, cause: fetchFailed });
}

/** An HTTP answer as Octokit's RequestError carries it. */
function httpError(status: number, message: string): Error {
  return Object.assign(new Error(message), { name: 'HttpError', status, response: { status, data: { message } } });
}

const github = { target: 'api.github.com', tokenEnv: 'GITHUB_TOKEN', otherFix: 'check GITHUB_TOKEN' };
const git = { target: 'git@github.com:acme/api.git', otherFix: 'check the remote' };

const dir = mkdtempSync(path.join(os.tmpdir(), 'ns-classify-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Row {
  what: string;
  failure: () => Failure | undefined;
  kind: FailureKind;
  detail: RegExp;
  fix: RegExp;
}

const rows: Row[] = [
  {
    what: 'DNS: ENOTFOUND (offline)',
    failure: () =>
      classifyFailure({ error: octokitNetworkError('ENOTFOUND', 'getaddrinfo ENOTFOUND api.github.com') }, github),
    kind: 'dns',
    detail: /^cannot reach api\.github\.com \(DNS: api\.github\.com does not resolve\)$/,
    fix: /online/,
  },
  {
    what: 'DNS: EAI_AGAIN (resolver not answering)',
    failure: () =>
      classifyFailure({ error: octokitNetworkError('EAI_AGAIN', 'getaddrinfo EAI_AGAIN api.linear.app') }, github),
    kind: 'dns',
    detail: /^cannot reach api\.github\.com \(DNS/,
    fix: /DNS/,
  },
  {
    what: 'ECONNREFUSED',
    failure: () =>
      classifyFailure({ error: octokitNetworkError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:9') }, github),
    kind: 'refused',
    detail: /^cannot reach api\.github\.com \(connection refused\)$/,
    fix: /URL and port/,
  },
  {
    what: 'ETIMEDOUT',
    failure: () =>
      classifyFailure({ error: octokitNetworkError('ETIMEDOUT', 'connect ETIMEDOUT 10.0.0.1:443') }, github),
    kind: 'timeout',
    detail: /^cannot reach api\.github\.com \(timed out\)$/,
    fix: /firewall/,
  },
  {
    what: 'undici connect timeout',
    failure: () =>
      classifyFailure({ error: octokitNetworkError('UND_ERR_CONNECT_TIMEOUT', 'Connect Timeout Error') }, github),
    kind: 'timeout',
    detail: /timed out/,
    fix: /firewall/,
  },
  {
    what: 'TLS: self-signed certificate in the chain (an inspecting proxy)',
    failure: () =>
      classifyFailure(
        { error: octokitNetworkError('SELF_SIGNED_CERT_IN_CHAIN', 'self-signed certificate in certificate chain') },
        github,
      ),
    kind: 'tls',
    detail: /^cannot reach api\.github\.com \(TLS: SELF_SIGNED_CERT_IN_CHAIN\)$/,
    fix: /NODE_EXTRA_CA_CERTS/,
  },
  {
    what: 'TLS: expired certificate',
    failure: () =>
      classifyFailure({ error: octokitNetworkError('CERT_HAS_EXPIRED', 'certificate has expired') }, github),
    kind: 'tls',
    detail: /TLS: CERT_HAS_EXPIRED/,
    fix: /clock/,
  },
  {
    what: 'proxy wanting credentials (git over https)',
    failure: () =>
      classifyFailure(
        {
          stderr:
            "fatal: unable to access 'https://github.com/acme/api.git/': Received HTTP code 407 from proxy after CONNECT\n",
        },
        git,
      ),
    kind: 'proxy',
    detail: /^cannot reach git@github\.com:acme\/api\.git \(.*407 from proxy/,
    fix: /HTTPS_PROXY/,
  },
  {
    what: '401: a bad token',
    failure: () => classifyFailure({ error: httpError(401, 'Bad credentials') }, github),
    kind: 'unauthorized',
    detail: /^api\.github\.com refuses the token in GITHUB_TOKEN \(401: Bad credentials\)$/,
    fix: /^replace GITHUB_TOKEN/,
  },
  {
    what: '403: a token without the permission',
    failure: () => classifyFailure({ error: httpError(403, 'Resource not accessible by integration') }, github),
    kind: 'forbidden',
    detail: /accepts the token in GITHUB_TOKEN but forbids this \(403: Resource not accessible/,
    fix: /permissions/,
  },
  {
    what: 'ssh over a name that does not resolve (git stderr)',
    failure: () =>
      classifyFailure(
        {
          stderr:
            'ssh: Could not resolve hostname github.com: Temporary failure in name resolution\nfatal: Could not read from remote repository.\n\nPlease make sure you have the correct access rights\nand the repository exists.\n',
        },
        git,
      ),
    kind: 'dns',
    detail: /DNS: github\.com does not resolve/,
    fix: /online/,
  },
  {
    what: 'ssh key refused (git stderr)',
    failure: () =>
      classifyFailure(
        { stderr: 'git@github.com: Permission denied (publickey).\nfatal: Could not read from remote repository.\n' },
        git,
      ),
    kind: 'ssh-auth',
    detail: /ssh key was refused/,
    fix: /public key/,
  },
  {
    what: 'a local remote path that does not exist',
    failure: () => classifyLocalRemote(path.join(dir, 'nowhere', 'api.git')),
    kind: 'no-repository',
    detail: new RegExp(`^no repository at ${path.join(dir, 'nowhere', 'api.git').replace(/[.]/g, '\\.')}$`),
    fix: /repos\[\]\.remote/,
  },
  {
    what: 'a local remote path that is a plain folder',
    failure: () => {
      mkdirSync(path.join(dir, 'plain'), { recursive: true });
      return classifyLocalRemote(path.join(dir, 'plain'));
    },
    kind: 'not-a-repository',
    detail: /is not a git repository$/,
    fix: /git repository/,
  },
];

describe('doctor: why a check could not talk to something', () => {
  it.each(rows)('$what → $kind', ({ failure, kind, detail, fix }) => {
    const got = failure();
    expect(got).toBeDefined();
    expect(got!.kind).toBe(kind);
    expect(got!.detail).toMatch(detail);
    expect(got!.fix).toMatch(fix);
    // The network and a missing path are never blamed on a token or an ssh key.
    if (!['unauthorized', 'forbidden', 'ssh-auth'].includes(kind)) expect(got!.fix).not.toMatch(/token|ssh/i);
  });

  it('leaves an unknown failure to the caller, with the service message', () => {
    expect(classifyFailure({ error: httpError(404, 'Not Found') }, github)).toEqual({
      kind: 'other',
      detail: 'api.github.com: Not Found',
      fix: 'check GITHUB_TOKEN',
    });
  });

  it('does not call a spent rate limit (403) a permission problem', () => {
    expect(classifyFailure({ error: httpError(403, 'API rate limit exceeded for user') }, github).kind).toBe('other');
  });
});
