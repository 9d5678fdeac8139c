/** `permissionMode: bypassPermissions` outside a sandbox: the runner refuses to start rather than run agents unguarded. */
export class UnsafePermissionModeError extends Error {
  override readonly name = 'UnsafePermissionModeError';

  constructor(reason: string) {
    super(reason);
  }
}
