// `scheme://user:pass@host` and `scheme://token@host`: the userinfo part is what must never reach a log.
const URL_USERINFO = /([a-z][a-z0-9+.-]*:\/\/)[^/@\s'"]*@/gi;

/**
 * Strips credentials (`user:pass@`, `token@`) from every URL in a text, keeping the rest of the URL
 * so a message still says which remote failed.
 */
export function redactCredentials(text: string): string {
  return text.replace(URL_USERINFO, '$1');
}
