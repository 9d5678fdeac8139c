import { spawn } from 'node:child_process';
import path from 'node:path';

import { REPO_ROOT } from './harness';

interface NightReport {
  size: { tickets: number; slots: number; compression: number };
  invariants: {
    linearPrimaryRefusals: number;
    githubPrimaryRefusals: number;
    samplesOverCapacity: number;
    inProgressPeak: number;
    capacity: number;
    duplicatePrs: number;
    notEnded: string[];
  };
  totals: { prs: number; inReview: number; needsHuman: number; timedOut: string | null };
}

const TICKETS = Number(process.env['NIGHTSHIFT_NIGHT_TICKETS'] ?? 40);

/**
 * The CI-size night: bench/night.js itself (40 tickets, 6 slots over two hosts, one budget-hour every 15 s) on the
 * strict Linear and GitHub fakes with all 7 services. Neither fake refuses for its primary budget, In Progress
 * never exceeds the slots at any sample, no ticket gets two PRs, and every ticket ends In Review or Needs Human.
 */
describe('night rehearsal (small)', () => {
  it('stays within both budgets and the slots, one PR per ticket, every ticket ended', async () => {
    const child = spawn(
      process.execPath,
      [
        path.join(REPO_ROOT, 'bench/night.js'),
        '--tickets',
        String(TICKETS),
        '--slots',
        '6',
        '--compression',
        '240',
        '--timeout',
        '240',
        '--json',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    const line = out.trim().split('\n').pop() ?? '';
    if (!line.startsWith('{')) throw new Error(`night run printed no report (exit ${code}): ${err.slice(-2000)}`);
    const report = JSON.parse(line) as NightReport;
    process.stderr.write(`night: ${JSON.stringify(report.totals)} ${JSON.stringify(report.invariants)}\n`);
    expect(report.totals.timedOut).toBeNull();
    expect(report.size.tickets).toBe(TICKETS);
    expect(report.invariants.linearPrimaryRefusals).toBe(0);
    expect(report.invariants.githubPrimaryRefusals).toBe(0);
    expect(report.invariants.capacity).toBe(6);
    expect(report.invariants.inProgressPeak).toBeGreaterThan(0);
    expect(report.invariants.samplesOverCapacity).toBe(0);
    expect(report.invariants.duplicatePrs).toBe(0);
    expect(report.invariants.notEnded).toEqual([]);
    expect(report.totals.inReview + report.totals.needsHuman).toBe(TICKETS);
    expect(report.totals.prs).toBeGreaterThan(0);
  }, 400_000);
});
