import { spawn } from 'node:child_process';

import { terminateGroup, waitForGroupGone } from './process-group';
import {
  groupMembers,
  groupsOfSession,
  isSameProcess,
  processGroupOf,
  processSession,
  processStartTime,
  SESSION_ENV,
} from './process-identity';

describe('process identity from /proc', () => {
  it('names a process by pid and start time; a wrong start time (pid reuse) is not the same process', () => {
    const start = processStartTime(process.pid);
    expect(start).toMatch(/^\d+$/);
    expect(isSameProcess(process.pid, start!)).toBe(true);
    expect(isSameProcess(process.pid, String(Number(start) + 1))).toBe(false);
  });

  it('finds the groups of a session by the environment its processes were launched with, and nothing else', async () => {
    const launch = (env: NodeJS.ProcessEnv) =>
      spawn(process.execPath, ['-e', 'setInterval(() => {}, 1e6)'], {
        detached: true,
        stdio: 'ignore',
        env: { ...process.env, ...env },
      });
    const agent = launch({ [SESSION_ENV]: 'NS-1.1~2' });
    const stranger = launch({});
    try {
      await new Promise((r) => agent.once('spawn', r));
      expect(processSession(agent.pid!)).toBe('NS-1.1~2');
      expect(processSession(stranger.pid!)).toBeNull();
      expect(processGroupOf(agent.pid!)).toBe(agent.pid);
      expect(groupMembers(agent.pid!)).toEqual([agent.pid]);
      expect(groupsOfSession('NS-1.1~2')).toEqual([agent.pid]);
      expect(groupsOfSession('NS-1.1')).toEqual([]);
    } finally {
      await Promise.all([terminateGroup(agent.pid!, 500), terminateGroup(stranger.pid!, 500)]);
    }
    expect(await waitForGroupGone(agent.pid!, 2000)).toBe(true);
    expect(processStartTime(agent.pid!)).toBeNull();
  });
});
