/**
 * Thrown by a session that must run again later without spending an attempt (its agent account is
 * paused). `wholeQueue`: every account is paused, so the capability queue itself waits (BullMQ's
 * rate-limit path); otherwise only this job is delayed and another account takes it.
 */
export class RequeueJob extends Error {
  override readonly name = 'RequeueJob';
  constructor(
    readonly delayMs: number,
    readonly wholeQueue: boolean,
    reason: string,
    /** An expected, frequent wait (a repo at its concurrency cap): logged at debug, not info. */
    readonly routine = false,
  ) {
    super(reason);
  }
}
