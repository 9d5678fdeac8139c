#!/usr/bin/env node
'use strict';
// Test double of `gemini --output-format stream-json` (prompt on a non-TTY stdin): prints
// packages/core/src/output/types.ts events and Gemini CLI's failure messages and exit codes (41 auth, 53 turns).
const core = require('./fake-agent-core');

const args = process.argv.slice(2);
const model = valueOf('--model') ?? valueOf('-m');
if (valueOf('--output-format') !== 'stream-json')
  core.usageError('fake-gemini prints only --output-format stream-json');
if (!model) core.usageError('fake-gemini needs --model (Nightshift always names it)');
const approval = valueOf('--approval-mode') ?? 'default';
if (!['default', 'auto_edit', 'yolo', 'plan'].includes(approval))
  core.usageError(`Invalid values: Argument: approval-mode, Given: "${approval}"`, 42);
core.logArgv('gemini');

const prompt = core.readPrompt();
if (!prompt.trim()) {
  process.stderr.write(
    'No input provided via stdin. Input can be provided by piping data into gemini or using the --prompt option.\n',
  );
  process.exit(42);
}
const b = core.parseBehaviour(prompt, model);
if (b.kind === 'auth-fail') {
  process.stderr.write(
    'Please set an Auth method in your settings.json or specify one of the following environment variables before running: GEMINI_API_KEY, GOOGLE_GENAI_USE_VERTEXAI, GOOGLE_GENAI_USE_GCA\n',
  );
  process.exit(41);
}
const emit = core.emitter();
const ts = () => new Date().toISOString();
const session = `8bff1516-0000-4000-8000-${String(process.pid).padStart(12, '0')}`;
emit({ type: 'init', timestamp: ts(), session_id: session, model });
const u = core.usageFor(prompt);
const stats = {
  total_tokens: u.input + u.output,
  input_tokens: u.input,
  output_tokens: u.output,
  cached: u.cached,
  input: u.input - u.cached,
  duration_ms: 10,
  tool_calls: 1,
  models: {},
};
const failWith = (type, message, code) => {
  emit({ type: 'error', timestamp: ts(), severity: 'error', message });
  emit({ type: 'result', timestamp: ts(), status: 'error', error: { type, message }, stats });
  process.exit(code);
};

core.later(b.slowMs, () => {
  if (b.kind === 'rate-limit')
    return failWith(
      'TerminalQuotaError',
      'You have exhausted your capacity on this model. Your quota will reset after 1m0s.',
      1,
    );
  if (b.kind === 'overloaded') return failWith('ApiError', 'The model is overloaded. Please try again later.', 1);
  emit({
    type: 'tool_use',
    timestamp: ts(),
    tool_name: 'run_shell_command',
    tool_id: 'run_shell_command-1',
    parameters: { command: 'ls' },
  });
  core.later(b.toolIdleMs, () => {
    if (b.kind === 'deny')
      emit({
        type: 'tool_result',
        timestamp: ts(),
        tool_id: 'run_shell_command-1',
        status: 'error',
        error: { type: 'policy_violation', message: 'Tool execution denied by policy.' },
      });
    else
      emit({
        type: 'tool_result',
        timestamp: ts(),
        tool_id: 'run_shell_command-1',
        status: 'success',
        output: 'README.md',
      });
    if (b.kind === 'fail') return failWith('FatalTurnLimitedError', 'Reached max session turns for this session.', 53);
    if (b.kind !== 'no-diff') core.writeChanges('gemini', prompt, model);
    emit({ type: 'message', timestamp: ts(), role: 'assistant', content: `Done on ${model}.`, delta: true });
    emit({ type: 'result', timestamp: ts(), status: 'success', stats });
    process.exit(0);
  });
});

function valueOf(flag) {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : undefined;
}
