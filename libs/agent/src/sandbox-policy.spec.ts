import { UnsafePermissionModeError } from './errors/unsafe-permission-mode.error';
import { assertPermissionModeAllowed, checkPermissionMode } from './sandbox-policy';

const container = { uid: 1000, containerMarkers: ['/.dockerenv'] };
const bypass = { permissionMode: 'bypassPermissions' };

describe('bypassPermissions only in a sandbox', () => {
  it('accepts it as a non-root user inside a container (Docker or Podman marker)', () => {
    expect(checkPermissionMode(bypass, container)).toEqual({ allowed: true, env: {} });
    expect(checkPermissionMode(bypass, { uid: 1000, containerMarkers: ['/run/.containerenv'] }).allowed).toBe(true);
  });

  it('refuses it outside a container, saying why and how', () => {
    const verdict = checkPermissionMode(bypass, { uid: 1000, containerMarkers: [] });
    expect(verdict.allowed).toBe(false);
    if (verdict.allowed) return;
    expect(verdict.reason).toContain('bypassPermissions');
    expect(verdict.reason).toContain('not in a container');
    expect(verdict.reason).toContain('agent.sandbox: true');
    expect(verdict.reason).toContain('acceptEdits');
  });

  it('refuses it as root, even in a container (the CLI itself refuses the mode as root)', () => {
    const verdict = checkPermissionMode(bypass, { uid: 0, containerMarkers: ['/.dockerenv'] });
    expect(verdict).toMatchObject({ allowed: false, reason: expect.stringContaining('runs as root') });
  });

  it('follows the operator: sandbox true accepts it anywhere (setting IS_SANDBOX=1 for root), sandbox false refuses it even in a container', () => {
    expect(checkPermissionMode({ ...bypass, sandbox: true }, { uid: 1000, containerMarkers: [] })).toEqual({ allowed: true, env: {} });
    expect(checkPermissionMode({ ...bypass, sandbox: true }, { uid: 0, containerMarkers: [] })).toEqual({ allowed: true, env: { IS_SANDBOX: '1' } });
    expect(checkPermissionMode({ ...bypass, sandbox: false }, container)).toMatchObject({ allowed: false, reason: expect.stringContaining('agent.sandbox is false') });
  });

  it('leaves every other mode alone, whoever runs it', () => {
    for (const permissionMode of ['acceptEdits', 'default', 'dontAsk', 'plan', 'auto']) {
      expect(checkPermissionMode({ permissionMode, sandbox: false }, { uid: 0, containerMarkers: [] })).toEqual({ allowed: true, env: {} });
    }
  });

  it('throws a named error carrying the reason', () => {
    expect(() => assertPermissionModeAllowed(bypass, { uid: 0, containerMarkers: [] })).toThrow(UnsafePermissionModeError);
    expect(() => assertPermissionModeAllowed(bypass, { uid: 0, containerMarkers: [] })).toThrow(/runs as root/);
  });
});
