// The one poll and the one fake Slack live in testing-fakes; the harness hands them on.
export { startFakeSlack, waitFor } from '@nightshift/testing-fakes';
export * from './service-process';
export * from './pipeline';
export * from './metrics';
export * from './processes';
export * from './agent-sampler';
export * from './up-process';
export * from './prometheus';
