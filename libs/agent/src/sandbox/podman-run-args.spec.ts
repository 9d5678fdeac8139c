import { type PodmanRunOptions, podmanRunSpawn } from './podman-run-args';

const options: PodmanRunOptions = {
  podman: 'podman',
  name: 'nightshift-agent-NS-1.1--abc',
  image: 'localhost/nightshift-sandbox:local',
  network: 'nightshift-sandbox',
  labels: { 'nightshift.session': 'NS-1.1#abc' },
  cpus: 2,
  memory: '4g',
  readOnlyRoot: true,
  uid: 0,
  gid: 0,
  mounts: [
    { path: '/w/NS-1', readOnly: false },
    { path: '/m/alpha.git', readOnly: true },
  ],
  sandboxEnv: { HOME: '/tmp', HTTPS_PROXY: 'http://u:secret-pass@10.89.0.1:4000' },
  podmanEnv: { PATH: '/usr/bin', XDG_RUNTIME_DIR: '/run/user/0' },
};
const plain = {
  command: 'claude',
  args: ['-p', '--model', 'sonnet'],
  cwd: '/w/NS-1',
  env: { ANTHROPIC_API_KEY: 'sk-value', NIGHTSHIFT_SESSION: 'NS-1.1#abc', PATH: '/host/bin', HOME: '/root' },
};

describe('the podman run of a sandboxed agent', () => {
  it('forwards exactly the given entries by name, never their values in argv, and never the host-local ones', () => {
    const spawn = podmanRunSpawn(plain, options);
    const argv = spawn.args.join(' ');
    expect(argv).not.toContain('sk-value');
    expect(argv).not.toContain('secret-pass');
    const names = spawn.args.flatMap((a, i) => (spawn.args[i - 1] === '--env' ? [a] : []));
    expect(names).toEqual(['ANTHROPIC_API_KEY', 'HOME', 'HTTPS_PROXY', 'NIGHTSHIFT_SESSION']);
    // podman reads each value from its own environment: the sandbox's HOME, not the runner's.
    expect(spawn.env).toMatchObject({ ANTHROPIC_API_KEY: 'sk-value', HOME: '/tmp', PATH: '/usr/bin' });
  });

  it('runs attached, removed on exit, on the internal network, limited and read-only, the agent last', () => {
    const args = podmanRunSpawn(plain, options).args;
    expect(args.slice(0, 4)).toEqual(['run', '--rm', '--init', '-i']);
    for (const flag of ['--http-proxy=false', '--cap-drop=all', '--read-only', '--security-opt=no-new-privileges'])
      expect(args).toContain(flag);
    expect(args.join(' ')).toContain('--network nightshift-sandbox');
    expect(args.join(' ')).toContain('--cpus 2 --memory 4g');
    expect(args.join(' ')).toContain('--volume /m/alpha.git:/m/alpha.git:ro');
    expect(args.slice(-5)).toEqual(['localhost/nightshift-sandbox:local', 'claude', '-p', '--model', 'sonnet']);
    expect(args).not.toContain('--userns=keep-id');
    expect(podmanRunSpawn(plain, { ...options, uid: 1000, gid: 1000 }).args).toContain('--userns=keep-id');
  });
});
