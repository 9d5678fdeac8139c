/** Thrown at boot when a worker could receive a job name it has no handler for (or two). */
export class MissingHandlerError extends Error {
  override readonly name = 'MissingHandlerError';
}

/**
 * Checks that every job name the queue may carry has exactly one handler, so a job never reaches a
 * worker that cannot process it. Returns a dispatcher that routes by job name.
 */
export function handlerTable<N extends string, J extends { name: string }, R>(
  queue: string,
  expected: readonly N[],
  handlers: Record<N, (job: J) => Promise<R>>,
): (job: J) => Promise<R> {
  const names = Object.keys(handlers);
  const missing = expected.filter((n) => typeof handlers[n] !== 'function');
  const extra = names.filter((n) => !expected.includes(n as N));
  if (missing.length || extra.length) {
    throw new MissingHandlerError(
      `queue ${queue}: ${missing.length ? `no handler for ${missing.join(', ')}` : ''}${extra.length ? ` unknown handlers ${extra.join(', ')}` : ''}`.trim(),
    );
  }
  return (job: J) => {
    const handler = handlers[job.name as N];
    if (!handler) return Promise.reject(new MissingHandlerError(`queue ${queue}: no handler for job ${job.name}`));
    return handler(job);
  };
}
