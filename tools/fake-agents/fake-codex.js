#!/usr/bin/env node
'use strict';
// Test double of `codex exec --json -`: prints codex-rs/exec/src/exec_events.rs events and Codex's own failure
// messages (see libs/testing-fakes/fixtures/codex). `codex login status` answers from FAKE_CODEX_LOGGED_OUT.
const core = require('./fake-agent-core');

const args = process.argv.slice(2);
if (args[0] === 'login' && args[1] === 'status') {
  if (process.env.FAKE_CODEX_LOGGED_OUT) {
    process.stderr.write('Not logged in\n');
    process.exit(1);
  }
  process.stderr.write('Logged in using ChatGPT\n');
  process.exit(0);
}
if (args[0] !== 'exec') core.usageError(`fake-codex supports \`exec\` and \`login status\`, not ${args[0]}`);
const model = valueOf('--model') ?? valueOf('-m');
if (!args.includes('--json')) core.usageError('fake-codex prints only --json output');
if (!model) core.usageError('fake-codex needs --model (Nightshift always names it)');
if (args.at(-1) !== '-') core.usageError('fake-codex expects the prompt on stdin (`-` as the prompt)');
core.logArgv('codex');

const prompt = core.readPrompt();
if (!prompt.trim()) core.usageError('No prompt provided via stdin.', 1);
const b = core.parseBehaviour(prompt, model);
const emit = core.emitter();
const thread = `0199a213-0000-7000-8000-${String(process.pid).padStart(12, '0')}`;
emit({ type: 'thread.started', thread_id: thread });
emit({ type: 'turn.started' });

const fail = (message, code = 1) => {
  emit({ type: 'error', message });
  emit({ type: 'turn.failed', error: { message } });
  process.exit(code);
};

core.later(b.slowMs, () => {
  if (b.kind === 'rate-limit')
    return fail(
      "You've hit your usage limit. Upgrade to Pro (https://openai.com/chatgpt/pricing) or try again in 0 days 0 hours 1 minutes.",
    );
  if (b.kind === 'auth-fail') return fail('unexpected status 401 Unauthorized: {"error":{"code":"invalid_api_key"}}');
  if (b.kind === 'overloaded')
    return fail("We're currently experiencing high demand, which may cause temporary errors.");
  const command = {
    id: 'item_1',
    type: 'command_execution',
    command: "bash -lc 'ls'",
    aggregated_output: '',
    exit_code: null,
    status: 'in_progress',
  };
  emit({ type: 'item.started', item: command });
  // No output while the command runs, as the real CLI.
  core.later(b.toolIdleMs, () => {
    const status = b.kind === 'deny' ? 'declined' : 'completed';
    emit({ type: 'item.completed', item: { ...command, aggregated_output: 'README.md\n', exit_code: 0, status } });
    if (b.kind === 'fail') {
      emit({
        type: 'item.completed',
        item: { id: 'item_2', type: 'agent_message', text: 'I could not make the tests pass.' },
      });
      return fail('exceeded retry limit, last status: 400 Bad Request');
    }
    const files = b.kind === 'no-diff' ? [] : core.writeChanges('codex', prompt, model);
    if (files.length > 0)
      emit({
        type: 'item.completed',
        item: {
          id: 'item_2',
          type: 'file_change',
          changes: files.map((p) => ({ path: p, kind: 'add' })),
          status: 'completed',
        },
      });
    emit({ type: 'item.completed', item: { id: 'item_3', type: 'agent_message', text: `Done on ${model}.` } });
    const u = core.usageFor(prompt);
    emit({
      type: 'turn.completed',
      usage: { input_tokens: u.input, cached_input_tokens: u.cached, output_tokens: u.output },
    });
    process.exit(0);
  });
});

function valueOf(flag) {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : undefined;
}
