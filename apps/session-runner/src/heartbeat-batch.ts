import { type BeatOutcome, beatSessions, type SessionBeat } from '@nightshift/state';
import type { Redis } from 'ioredis';

/** A third of the claim lease (at most 30 s): a lease survives two missed rounds. */
export function sessionHeartbeatMs(config: { routing: { claimLeaseSec: number } }): number {
  return Math.min(30_000, (config.routing.claimLeaseSec * 1000) / 3);
}

/** A session the batch beats for: what to write, and where the outcome goes. */
export interface BatchMember {
  /** The beat to send now, or undefined to skip this round (not registered yet, or already lost). */
  nextBeat(): SessionBeat | undefined;
  beaten(outcome: BeatOutcome): void;
}

/**
 * Every session heartbeat of this runner on one timer, sent as one Redis pipeline: hundreds of sessions each on
 * an interval of their own were hundreds of timer callbacks and round trips per interval for the same work.
 * The interval is read on every round, so a hot-reloaded claim lease applies at once.
 */
export class HeartbeatBatch {
  private readonly members = new Set<BatchMember>();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly redis: Redis,
    private readonly intervalMs: () => number,
  ) {}

  get size(): number {
    return this.members.size;
  }

  join(member: BatchMember): void {
    this.members.add(member);
    this.arm();
  }

  leave(member: BatchMember): void {
    this.members.delete(member);
    if (this.members.size > 0 || !this.timer) return;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** One session's beat now, outside the rounds (its first, or after an update), through the same script. */
  async beatOne(beat: SessionBeat): Promise<BeatOutcome> {
    const [outcome] = await beatSessions(this.redis, [beat]);
    return outcome!;
  }

  /** One round now: every member's beat in one pipeline, each outcome back to its member. */
  async beat(): Promise<void> {
    const due: Array<{ member: BatchMember; beat: SessionBeat }> = [];
    for (const member of this.members) {
      const beat = member.nextBeat();
      if (beat) due.push({ member, beat });
    }
    const outcomes = await beatSessions(
      this.redis,
      due.map((d) => d.beat),
    ).catch((err: unknown) => due.map((): BeatOutcome => ({ kind: 'failed', error: String(err) })));
    due.forEach(({ member }, i) => {
      // A member that left while the round was in flight (its session ended) has nothing left to lose.
      if (this.members.has(member)) member.beaten(outcomes[i]!);
    });
  }

  private arm(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.beat().finally(() => {
        if (this.members.size > 0) this.arm();
      });
    }, this.intervalMs());
    this.timer.unref();
  }
}
