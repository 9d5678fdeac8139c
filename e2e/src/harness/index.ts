// The one poll and the one fake Slack live in testing-fakes; the harness hands them on.
export * from './agent-sampler';
export * from './metrics';
export * from './pipeline';
export * from './processes';
export * from './prometheus';
export * from './sandbox';
export * from './sentinel-set';
export * from './service-process';
export * from './up-process';
export { startFakeSlack, waitFor } from '@nightshift/testing-fakes';
