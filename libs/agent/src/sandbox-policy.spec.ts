import { UnsafePermissionModeError } from './errors/unsafe-permission-mode.error';
import { assertPermissionModeAllowed, checkPermissionMode, EXTERNAL_SANDBOX_WARNING } from './sandbox-policy';

const bypass = { permissionMode: 'bypassPermissions' };

describe('bypassPermissions only in a sandbox', () => {
  it('accepts it in a Podman sandbox (IS_SANDBOX=1 when the agent runs as root, as the CLI demands)', () => {
    expect(checkPermissionMode({ ...bypass, sandbox: 'podman' }, 1000)).toEqual({ allowed: true, env: {} });
    expect(checkPermissionMode({ ...bypass, sandbox: 'podman' }, 0)).toEqual({
      allowed: true,
      env: { IS_SANDBOX: '1' },
    });
  });

  it('refuses it outside one, even as a non-root user, saying where, why and how', () => {
    const verdict = checkPermissionMode({ ...bypass, sandbox: 'none', where: 'repo alpha on host local' }, 1000);
    expect(verdict.allowed).toBe(false);
    if (verdict.allowed) return;
    expect(verdict.reason).toContain('bypassPermissions');
    expect(verdict.reason).toContain('repo alpha on host local is none');
    expect(verdict.reason).toContain('agent.sandbox: podman');
    expect(verdict.reason).toContain('acceptEdits');
  });

  it('accepts an explicit external sandbox only with a warning', () => {
    expect(checkPermissionMode({ ...bypass, sandbox: 'external' }, 0)).toEqual({
      allowed: true,
      env: { IS_SANDBOX: '1' },
      warning: EXTERNAL_SANDBOX_WARNING,
    });
  });

  it('leaves every other mode alone, wherever it runs', () => {
    for (const permissionMode of ['acceptEdits', 'default', 'dontAsk', 'plan', 'auto']) {
      expect(checkPermissionMode({ permissionMode, sandbox: 'none' }, 0)).toEqual({ allowed: true, env: {} });
    }
  });

  it('throws a named error carrying the reason', () => {
    expect(() => assertPermissionModeAllowed({ ...bypass, sandbox: 'none' }, 0)).toThrow(UnsafePermissionModeError);
    expect(() => assertPermissionModeAllowed({ ...bypass, sandbox: 'none' }, 0)).toThrow(/is none/);
  });
});
