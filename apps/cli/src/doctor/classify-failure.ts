import { existsSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * Why a doctor check could not talk to something: the network (DNS, refused, timeout, proxy, TLS)
 * is told apart from credentials (401, 403, ssh keys) and from a local path that is not there, so
 * the fix names the real cause (an offline machine is not told to replace its token).
 */
export type FailureKind =
  | 'dns'
  | 'refused'
  | 'timeout'
  | 'unreachable'
  | 'proxy'
  | 'tls'
  | 'unauthorized'
  | 'forbidden'
  | 'ssh-auth'
  | 'no-repository'
  | 'not-a-repository'
  | 'other';

export interface Failure {
  kind: FailureKind;
  detail: string;
  fix: string;
}

export interface FailureContext {
  /** What was being reached, as the operator knows it: `api.github.com`, `git@github.com:o/a.git`. */
  target: string;
  /** The environment variable holding the credential, when one was sent. */
  tokenEnv?: string;
  /** The fix for a failure none of the rules recognise. */
  otherFix: string;
}

interface Signals {
  codes: string[];
  status?: number;
  /** The first line of each message in the cause chain, outermost first. */
  messages: string[];
  type?: string;
  names: string[];
}

const DNS_CODES = ['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_FAIL'];
const TIMEOUT_CODES = ['ETIMEDOUT', 'ESOCKETTIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT'];
const UNREACHABLE_CODES = ['ENETUNREACH', 'EHOSTUNREACH', 'ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET'];
const TLS_CODE = /^(CERT_|UNABLE_TO_|SELF_SIGNED_CERT|DEPTH_ZERO_SELF_SIGNED_CERT|ERR_TLS_|ERR_SSL_|HOSTNAME_MISMATCH)/;

/** Reads codes, HTTP status and messages from an error and its `cause` chain (fetch and Octokit nest them). */
function signalsOf(error: unknown): Signals {
  const signals: Signals = { codes: [], messages: [], names: [] };
  let current: unknown = error;
  for (let depth = 0; current && depth < 6; depth++) {
    const e = current as {
      code?: unknown;
      status?: unknown;
      message?: unknown;
      type?: unknown;
      name?: unknown;
      errors?: unknown;
      cause?: unknown;
    };
    if (typeof e.code === 'string') signals.codes.push(e.code);
    if (typeof e.status === 'number' && signals.status === undefined && e.status !== 500) signals.status = e.status;
    if (typeof e.type === 'string' && !signals.type) signals.type = e.type;
    if (typeof e.name === 'string') signals.names.push(e.name);
    if (typeof e.message === 'string' && e.message) signals.messages.push(e.message.split('\n')[0]!);
    // An AggregateError (happy eyeballs: one per address tried) holds its codes in `errors`.
    if (Array.isArray(e.errors))
      for (const inner of e.errors)
        if (typeof (inner as { code?: unknown })?.code === 'string')
          signals.codes.push((inner as { code: string }).code);
    current = e.cause;
  }
  // Node's own messages carry the code even when the object does not (`getaddrinfo ENOTFOUND host`).
  for (const m of signals.messages) for (const code of m.match(/\b[A-Z][A-Z_]{4,}\b/g) ?? []) signals.codes.push(code);
  return signals;
}

const has = (codes: string[], wanted: string[]) => codes.some((c) => wanted.includes(c));

/** The host a message names, when it names one (`getaddrinfo ENOTFOUND api.github.com`). */
function hostIn(text: string): string | undefined {
  return /(?:ENOTFOUND|EAI_AGAIN|resolve host(?:name)?:?)\s+([A-Za-z0-9.-]+)/i.exec(text)?.[1];
}

function network(kind: FailureKind, ctx: FailureContext, why: string): Failure {
  const fixes: Partial<Record<FailureKind, string>> = {
    dns: "check this machine's network and DNS (is it online?), then the host name in the config",
    refused: 'nothing listens there: check the URL and port in the config, and that the service is up',
    timeout: 'check the network path (firewall, VPN, proxy): the host did not answer in time',
    unreachable: "check this machine's network (route, firewall, VPN), then try again",
    proxy: 'check HTTPS_PROXY / HTTP_PROXY / NO_PROXY: the proxy address, its port and its credentials',
    tls: "the certificate is not trusted here: behind a TLS-inspecting proxy, set NODE_EXTRA_CA_CERTS (and git's http.sslCAInfo) to its CA; otherwise check this machine's clock and the URL",
  };
  return { kind, detail: `cannot reach ${ctx.target} (${why})`, fix: fixes[kind]! };
}

/** The network reasons, from error codes or from git's and ssh's stderr. */
function networkFailure(s: Signals, text: string, ctx: FailureContext): Failure | undefined {
  if (/proxy/i.test(text) || s.status === 407)
    return network('proxy', ctx, s.status === 407 ? 'the proxy wants credentials (407)' : firstLine(text));
  const tlsCode = s.codes.find((c) => TLS_CODE.test(c));
  if (tlsCode || /SSL certificate problem|certificate verif|self[- ]signed certificate|SSL routines/i.test(text))
    return network('tls', ctx, `TLS: ${tlsCode ?? firstLine(text)}`);
  if (has(s.codes, DNS_CODES) || /Could not resolve host|Name or service not known|nodename nor servname/i.test(text)) {
    const host = hostIn(text);
    return network('dns', ctx, `DNS: ${host ? `${host} does not resolve` : 'the name does not resolve'}`);
  }
  if (s.codes.includes('ECONNREFUSED') || /Connection refused|Couldn't connect to server/i.test(text))
    return network('refused', ctx, 'connection refused');
  if (has(s.codes, TIMEOUT_CODES) || /timed out|Operation timed out/i.test(text))
    return network('timeout', ctx, 'timed out');
  if (has(s.codes, UNREACHABLE_CODES) || /Network is unreachable|No route to host|Connection reset/i.test(text))
    return network('unreachable', ctx, s.codes.find((c) => UNREACHABLE_CODES.includes(c)) ?? firstLine(text));
  return undefined;
}

function credentialFailure(s: Signals, text: string, ctx: FailureContext): Failure | undefined {
  const token = ctx.tokenEnv ? `the token in ${ctx.tokenEnv}` : "this host's credentials";
  if (/Permission denied \(publickey|Host key verification failed/i.test(text)) {
    const hostKey = /Host key verification failed/i.test(text);
    return {
      kind: 'ssh-auth',
      detail: `${ctx.target}: ${hostKey ? 'the host key is not known here' : 'the ssh key was refused'}`,
      fix: hostKey
        ? 'connect once by hand (ssh -T) to record the host key in known_hosts'
        : "add this host's public key (ssh-add -l) to an account that can read the repository",
    };
  }
  const unauthorized =
    s.status === 401 ||
    s.type === 'AuthenticationError' ||
    /Authentication failed|could not read Username|returned error: 401|Bad credentials/i.test(text);
  // GitHub answers a spent rate limit with 403 too: that is no permission problem.
  const forbidden =
    (s.status === 403 || s.type === 'Forbidden' || /returned error: 403/i.test(text)) && !/rate limit/i.test(text);
  if (forbidden)
    return {
      kind: 'forbidden',
      detail: `${ctx.target} accepts ${token} but forbids this (403: ${firstLine(text)})`,
      fix: `give ${token} the permissions docs/trackers.md lists (read and write issues; contents and pull requests)`,
    };
  if (unauthorized || s.names.includes('TrackerAuthError'))
    return {
      kind: 'unauthorized',
      detail: `${ctx.target} refuses ${token} (401: ${firstLine(text)})`,
      fix: ctx.tokenEnv
        ? `replace ${ctx.tokenEnv} with a valid token (it may have expired or been revoked)`
        : 'set up git credentials for this host (a credential helper or an ssh key)',
    };
  return undefined;
}

function firstLine(text: string): string {
  return (
    text
      .split('\n')
      .map((l) => l.trim().replace(/^(fatal|error):\s*/i, ''))
      .find(Boolean) ?? 'no message'
  ).slice(0, 200);
}

/**
 * Says why a call failed: `error` (whatever a client threw, causes included) and/or `stderr` (git's
 * or ssh's). The detail never includes a token: only codes, statuses and the service's first line.
 */
export function classifyFailure(failure: { error?: unknown; stderr?: string }, ctx: FailureContext): Failure {
  const s = signalsOf(failure.error);
  const text = [failure.stderr ?? '', ...s.messages].filter(Boolean).join('\n');
  return (
    networkFailure(s, text, ctx) ??
    credentialFailure(s, text, ctx) ?? { kind: 'other', detail: `${ctx.target}: ${firstLine(text)}`, fix: ctx.otherFix }
  );
}

/** A remote that is a local path: there is a repository there, or a failure saying so (never ssh advice). */
export function classifyLocalRemote(remote: string): Failure | undefined {
  if (!existsSync(remote))
    return {
      kind: 'no-repository',
      detail: `no repository at ${remote}`,
      fix: `fix repos[].remote (a relative path is taken from the config file's folder), or create it: git init --bare ${remote}`,
    };
  const bare = existsSync(path.join(remote, 'HEAD')) && existsSync(path.join(remote, 'objects'));
  const work = existsSync(path.join(remote, '.git'));
  if (!statSync(remote).isDirectory() || (!bare && !work))
    return {
      kind: 'not-a-repository',
      detail: `${remote} is not a git repository`,
      fix: 'point repos[].remote at a git repository (a bare clone or a working copy)',
    };
  return undefined;
}
