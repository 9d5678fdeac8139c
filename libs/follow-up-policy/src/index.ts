export * from './base-move-policy';
export * from './follow-up-policy';
export * from './pr-batches';
