/** One allowlist entry: `name` (port 443), `name:port`, or `*.name` (any subdomain of name, not name itself). */
export function egressAllowed(allow: readonly string[], hostname: string, port: number): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  return allow.some((entry) => {
    const [pattern = '', p] = entry.toLowerCase().split(':');
    if (Number(p ?? 443) !== port) return false;
    return pattern.startsWith('*.') ? host.endsWith(pattern.slice(1)) : host === pattern;
  });
}
