export * from './ticket-not-found.error';
export * from './board-corrupt.error';
export * from './board-lock.error';
