/**
 * The errors a fake can be told to answer with. `rate_limited` is the service's primary limit
 * (quota used up until a reset time); `secondary_rate_limited` is GitHub's abuse limit (retry-after).
 */
export type FaultKind =
  'unauthorized' | 'not_found' | 'unprocessable' | 'server_error' | 'rate_limited' | 'secondary_rate_limited';

export interface Fault {
  kind: FaultKind;
  /** Answer this many matching requests with the fault, then behave again. Default: until cleared or expired. */
  times?: number;
  /** Answer with the fault for this long from now. */
  forMs?: number;
  /** Only requests whose `METHOD path` (or Linear operation name) matches. Default: every request. */
  match?: RegExp;
  /** HTTP status for server_error (default 502). */
  status?: number;
  /** Seconds until the limit resets, announced in the rate-limit headers (default 2). */
  resetInSec?: number;
}

interface ArmedFault extends Fault {
  until?: number;
  left?: number;
}

/** The armed faults of one fake; the first one matching a request (and not used up) answers it. */
export class FaultSwitch {
  private faults: ArmedFault[] = [];

  /** Arms a fault (several may be armed; the first armed matching one wins). */
  arm(fault: Fault): void {
    this.faults.push({
      ...fault,
      until: fault.forMs === undefined ? undefined : Date.now() + fault.forMs,
      left: fault.times,
    });
  }

  clear(): void {
    this.faults = [];
  }

  /** The fault that answers a request described by `what`, consuming one use of it; undefined: answer normally. */
  take(what: string): Fault | undefined {
    const now = Date.now();
    this.faults = this.faults.filter(
      (f) => (f.until === undefined || f.until > now) && (f.left === undefined || f.left > 0),
    );
    const fault = this.faults.find((f) => !f.match || f.match.test(what));
    if (fault && fault.left !== undefined) fault.left -= 1;
    return fault;
  }
}
