export * from './wait-for';
export * from './service-process';
export * from './pipeline';
export * from './metrics';
export * from './fake-slack';
export * from './processes';
export * from './agent-sampler';
export * from './up-process';
