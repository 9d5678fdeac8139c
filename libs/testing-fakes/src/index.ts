export * from './http-util';
export * from './fault-switch';
export * from './webhook-signatures';
export * from './linear/fake-linear';
export * from './linear/linear-store';
export * from './github/fake-github';
export * from './github/github-store';
export * from './git-http-server';
