import { egressAllowed } from './egress-allowlist';

describe('the egress allowlist', () => {
  it('allows a listed host on 443 unless the entry names a port', () => {
    expect(egressAllowed(['api.anthropic.com'], 'API.anthropic.com', 443)).toBe(true);
    expect(egressAllowed(['api.anthropic.com'], 'api.anthropic.com', 80)).toBe(false);
    expect(egressAllowed(['127.0.0.1:8080'], '127.0.0.1', 8080)).toBe(true);
    expect(egressAllowed(['127.0.0.1:8080'], '127.0.0.1', 6379)).toBe(false);
  });

  it('matches a wildcard on subdomains only, never a look-alike', () => {
    expect(egressAllowed(['*.npmjs.org'], 'registry.npmjs.org', 443)).toBe(true);
    expect(egressAllowed(['*.npmjs.org'], 'npmjs.org', 443)).toBe(false);
    expect(egressAllowed(['*.npmjs.org'], 'evilnpmjs.org', 443)).toBe(false);
    expect(egressAllowed(['api.anthropic.com'], 'api.anthropic.com.evil.example', 443)).toBe(false);
  });

  it('allows nothing from an empty list', () => {
    expect(egressAllowed([], 'api.anthropic.com', 443)).toBe(false);
  });
});
