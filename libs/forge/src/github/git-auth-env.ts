/**
 * Git configuration that hands `token` to git as an HTTP header for `remoteUrl`'s origin only, via
 * GIT_CONFIG_COUNT/KEY/VALUE: nothing in the URL (which git prints) or argv (which `ps` shows).
 * Basic auth with `x-access-token` works for personal, fine-grained and GitHub App tokens; GitLab takes
 * `oauth2` as the user with a personal, project or group access token.
 * Non-HTTP remotes (ssh, paths) get nothing: they authenticate their own way.
 */
export function gitAuthEnv(
  remoteUrl: string,
  token: string,
  base: NodeJS.ProcessEnv = process.env,
  user = 'x-access-token',
): { env: NodeJS.ProcessEnv; secrets: string[] } {
  let origin: string;
  try {
    const url = new URL(remoteUrl);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return { env: {}, secrets: [token] };
    origin = `${url.protocol}//${url.host}/`;
  } catch {
    return { env: {}, secrets: [token] };
  }
  const basic = Buffer.from(`${user}:${token}`).toString('base64');
  // Appended after any GIT_CONFIG_* entries the environment already carries.
  const n = Number.parseInt(base['GIT_CONFIG_COUNT'] ?? '0', 10) || 0;
  return {
    env: {
      GIT_CONFIG_COUNT: String(n + 1),
      [`GIT_CONFIG_KEY_${n}`]: `http.${origin}.extraheader`,
      [`GIT_CONFIG_VALUE_${n}`]: `Authorization: Basic ${basic}`,
    },
    secrets: [token, basic],
  };
}
