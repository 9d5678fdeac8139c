export * from './board-corrupt.error';
export * from './board-lock.error';
export * from './ticket-not-found.error';
export * from './tracker-auth.error';
export * from './tracker-query-too-complex.error';
export * from './tracker-rate-limited.error';
export * from './tracker-request.error';
export * from './tracker-unavailable.error';
