import { type AgentPolicy, chooseAgent, chooseModel } from './escalation';

const chain: AgentPolicy['chain'] = [
  { kind: 'claude-code', model: 'sonnet' },
  { kind: 'claude-code', model: 'opus' },
  { kind: 'codex', model: 'gpt-5-codex' },
];
const claudeRepo = (allowed: AgentPolicy['allowed'] = [], own: Partial<AgentPolicy> = {}): AgentPolicy => ({
  kind: 'claude-code',
  model: 'sonnet',
  escalationModel: 'opus',
  escalateAfter: 2,
  allowed,
  chain,
  ...own,
});

describe('chooseModel', () => {
  it.each([
    [0, 'sonnet'],
    [1, 'sonnet'],
    [2, 'opus'],
    [5, 'opus'],
  ])('after %i attempts spent picks %s', (spent, model) => {
    expect(chooseModel({ model: 'sonnet', escalationModel: 'opus', escalateAfter: 2 }, spent)).toBe(model);
  });
});

describe('chooseAgent by ticket label', () => {
  it.each<[string, AgentPolicy, string[], number, string]>([
    ['agent:codex on a repo allowing codex', claudeRepo(['codex']), ['agent:codex'], 0, 'codex gpt-5-codex'],
    ['the vendor name is case-blind', claudeRepo(['codex']), ['Agent:Codex'], 0, 'codex gpt-5-codex'],
    ['the kind works too, staying on its last model', claudeRepo(['codex']), ['agent:codex'], 4, 'codex gpt-5-codex'],
    ['its own CLI keeps escalateAfter', claudeRepo(['codex']), ['agent:claude'], 2, 'claude-code opus'],
    ['no label on a repo that allows nothing else', claudeRepo(), ['bug'], 0, 'claude-code sonnet'],
    [
      'a codex repo labelled claude uses the chain',
      claudeRepo(['claude-code'], { kind: 'codex', model: 'gpt-5-codex', escalationModel: 'gpt-5-codex' }),
      ['agent:claude-code'],
      1,
      'claude-code opus',
    ],
  ])('%s', (_name, policy, labels, spent, expected) => {
    const choice = chooseAgent(policy, labels, spent);
    expect('refused' in choice ? choice.refused : `${choice.kind} ${choice.model}`).toBe(expected);
  });

  it.each<[string, AgentPolicy, string[], RegExp]>([
    [
      'a CLI the repo does not allow',
      claudeRepo(),
      ['agent:codex'],
      /label "agent:codex" asks for codex, which this repo does not allow \(its CLIs: claude-code\)/,
    ],
    [
      'an unknown CLI',
      claudeRepo(['codex']),
      ['agent:copilot'],
      /label "agent:copilot" names no agent CLI; use one of/,
    ],
    ['two agent labels', claudeRepo(['codex']), ['agent:codex', 'agent:claude'], /more than one agent label/],
    [
      'an allowed CLI with no model in agent.escalation',
      claudeRepo(['gemini-cli']),
      ['agent:gemini'],
      /agent\.escalation names no gemini-cli model; add one \(e\.g\. "gemini:<model>"\)/,
    ],
  ])('refuses %s, naming the label and the repo', (_name, policy, labels, why) => {
    const choice = chooseAgent(policy, labels, 0);
    expect('refused' in choice && choice.refused).toMatch(why);
  });
});

describe('chooseAgent by attempts spent', () => {
  it.each<[string, AgentPolicy, number, string]>([
    ['first attempt on the first entry', claudeRepo(['codex']), 0, 'claude-code sonnet'],
    ['second on the next entry', claudeRepo(['codex']), 1, 'claude-code opus'],
    ['after claude:sonnet and claude:opus, codex', claudeRepo(['codex']), 2, 'codex gpt-5-codex'],
    ['stays on the last entry', claudeRepo(['codex']), 7, 'codex gpt-5-codex'],
    ['a repo not allowing codex keeps escalateAfter', claudeRepo(), 1, 'claude-code sonnet'],
    ['and never leaves its CLI', claudeRepo(), 4, 'claude-code opus'],
    ['a repo allowing only a CLI outside the chain', claudeRepo(['gemini-cli']), 2, 'claude-code opus'],
    [
      'entries of CLIs the repo does not allow are skipped',
      claudeRepo(['codex'], { chain: [chain[0]!, { kind: 'gemini-cli', model: 'gemini-2.5-pro' }, chain[2]!] }),
      1,
      'codex gpt-5-codex',
    ],
  ])('%s', (_name, policy, spent, expected) => {
    const choice = chooseAgent(policy, [], spent);
    expect('refused' in choice ? choice.refused : `${choice.kind} ${choice.model}`).toBe(expected);
  });
});
