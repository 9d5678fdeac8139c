#!/usr/bin/env node
'use strict';
// Test double of `opencode run --format json --model provider/model` (prompt on a non-TTY stdin): prints
// packages/opencode/src/cli/cmd/run.ts events, cost included, and OpenCode's error events. Honours the bash
// rules of OPENCODE_CONFIG_CONTENT for its one command, as OpenCode's permission config does.
const core = require('./fake-agent-core');

const args = process.argv.slice(2);
if (args[0] === 'auth' && args[1] === 'list') {
  process.stdout.write(process.env.FAKE_OPENCODE_LOGGED_OUT ? '0 credentials\n' : 'Anthropic api\n1 credentials\n');
  process.exit(0);
}
if (args[0] !== 'run') core.usageError(`fake-opencode supports \`run\` and \`auth list\`, not ${args[0]}`);
const model = valueOf('--model') ?? valueOf('-m');
if (valueOf('--format') !== 'json') core.usageError('fake-opencode prints only --format json');
if (!model || !model.includes('/'))
  core.usageError('fake-opencode needs --model provider/model (Nightshift always names it)');
core.logArgv('opencode');

const prompt = core.readPrompt();
if (!prompt.trim()) core.usageError('You must provide a message or a command', 1);
const b = core.parseBehaviour(prompt, model);
const emit = core.emitter();
const sessionID = `ses_fake${process.pid}`;
const now = () => Date.now();
const part = (type, extra) => ({ id: `prt_${now()}`, sessionID, messageID: 'msg_1', type, ...extra });
emit({ type: 'step_start', timestamp: now(), sessionID, part: part('step-start', {}) });
const error = (name, data) => {
  emit({ type: 'error', timestamp: now(), sessionID, error: { name, data } });
  process.exit(1);
};

core.later(b.slowMs, () => {
  if (b.kind === 'rate-limit')
    return error('APIError', {
      message: "This request would exceed your account's rate limit. Please try again later.",
      statusCode: 429,
      isRetryable: true,
    });
  if (b.kind === 'auth-fail')
    return error('ProviderAuthError', { providerID: model.split('/')[0], message: 'invalid x-api-key' });
  if (b.kind === 'overloaded') return error('APIError', { message: 'Overloaded', statusCode: 529, isRetryable: true });
  // OpenCode prints a tool call only once it ended: nothing while it runs.
  core.later(b.toolIdleMs, () => {
    const command = b.kind === 'deny' ? 'git push origin HEAD' : 'ls';
    const denied = bashDenied(command);
    const state = denied
      ? {
          status: 'error',
          input: { command },
          error: 'The user has specified a rule which prevents you from using this specific tool call.',
        }
      : { status: 'completed', input: { command }, output: 'README.md\n' };
    emit({
      type: 'tool_use',
      timestamp: now(),
      sessionID,
      part: part('tool', { callID: 'call_1', tool: 'bash', state }),
    });
    if (b.kind === 'fail') return error('UnknownError', { message: 'The agent gave up: tests still fail.' });
    if (b.kind !== 'no-diff') core.writeChanges('opencode', prompt, model);
    emit({ type: 'text', timestamp: now(), sessionID, part: part('text', { text: `Done on ${model}.` }) });
    const u = core.usageFor(prompt);
    const tokens = { input: u.input - u.cached, output: u.output, reasoning: 0, cache: { read: u.cached, write: 0 } };
    emit({
      type: 'step_finish',
      timestamp: now(),
      sessionID,
      part: part('step-finish', { reason: 'stop', cost: 0.001 * u.output, tokens }),
    });
    process.exit(0);
  });
});

/** The last matching pattern of permission.bash wins, as in OpenCode. */
function bashDenied(command) {
  let rules = {};
  try {
    rules = JSON.parse(process.env.OPENCODE_CONFIG_CONTENT || '{}').permission?.bash ?? {};
  } catch {
    core.usageError('OPENCODE_CONFIG_CONTENT is not JSON', 1);
  }
  let action = 'allow';
  for (const [pattern, a] of Object.entries(rules)) {
    const re = new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
    if (re.test(command)) action = a;
  }
  return action === 'deny';
}

function valueOf(flag) {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : undefined;
}
