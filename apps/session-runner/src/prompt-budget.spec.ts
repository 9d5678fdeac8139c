import type { Ticket } from '@nightshift/domain';

import { buildPrompt } from './build-prompt';
import { allocate, estimateTokens, headBytes, PART_SHARES } from './prompt-budget';

const KB = 1024;
const URL = 'https://tracker.example/NS-7';

function ticket(extra: Partial<Ticket> = {}): Ticket {
  return {
    key: 'NS-7',
    title: 'Fix the importer',
    description: 'Short.',
    state: 'In Progress',
    labels: [],
    priority: 0,
    createdAt: '',
    updatedAt: '',
    url: URL,
    comments: [],
    ...extra,
  };
}

/** 300 KB of comments, 30 of 10 KB, each naming its own index; createdAt increases with the index. */
function comments(count = 30, size = 10 * KB) {
  return Array.from({ length: count }, (_, i) => ({
    author: 'dev',
    createdAt: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(),
    body: `comment-${String(i).padStart(2, '0')} ${'x'.repeat(size - 20)}`,
  }));
}

describe('allocate', () => {
  it('gives each claimant its share when all want more, and what modest ones leave to the others by share', () => {
    expect(
      allocate(1000, [
        { need: 5000, share: 0.5 },
        { need: 5000, share: 0.5 },
      ]),
    ).toEqual([500, 500]);
    // The second needs only 100 of its 500: the first gets the other 400.
    expect(
      allocate(1000, [
        { need: 5000, share: 0.5 },
        { need: 100, share: 0.5 },
      ]),
    ).toEqual([900, 100]);
    expect(
      allocate(1000, [
        { need: 10, share: 0.4 },
        { need: 20, share: 0.6 },
      ]),
    ).toEqual([10, 20]);
    expect(allocate(-5, [{ need: 10, share: 1 }])).toEqual([0]);
  });
});

describe('headBytes', () => {
  it('never splits a UTF-8 sequence', () => {
    expect(headBytes('ééé', 3)).toBe('é');
    expect(headBytes('abc', 10)).toBe('abc');
  });
});

describe('buildPrompt within agent.maxPromptTokens', () => {
  const maxTokens = 30_000;
  const big = () =>
    buildPrompt({
      repo: 'api',
      branch: 'agent/NS-7',
      tickets: [ticket({ description: `START ${'d'.repeat(1024 * KB)} END`, comments: comments() })],
      rules: [{ name: 'CLAUDE.md', content: `RULES-HEAD ${'r'.repeat(100 * KB)} RULES-TAIL` }],
      learnings: Array.from({ length: 200 }, (_, i) => `learning ${i} ${'l'.repeat(100)}`),
      maxTokens,
    });

  it('keeps the whole prompt within the budget and records every cut', () => {
    const built = big();
    expect(built.estimatedTokens).toBeLessThanOrEqual(maxTokens);
    expect(estimateTokens(built.text)).toBe(built.estimatedTokens);
    expect(built.cuts.map((c) => c.part).sort()).toEqual(['comments', 'description', 'learnings', 'rules']);
    const description = built.cuts.find((c) => c.part === 'description')!;
    expect(description.of).toBe('NS-7');
    expect(description.keptBytes + description.cutBytes).toBe(Buffer.byteLength(`START ${'d'.repeat(1024 * KB)} END`));
  });

  it('gives each part about its share of the room when every part is over it', () => {
    const built = big();
    const room = maxTokens * 3;
    const kept = (part: string) => built.cuts.find((c) => c.part === part)!.keptBytes;
    // Within 5 % of the room, the fixed text (template, title, headings) and markers taking the rest.
    expect(kept('description') / room).toBeGreaterThan(PART_SHARES.description - 0.05);
    expect(kept('description') / room).toBeLessThanOrEqual(PART_SHARES.description);
    expect(kept('comments') / room).toBeGreaterThan(PART_SHARES.comments - 0.05);
    expect(kept('comments') / room).toBeLessThanOrEqual(PART_SHARES.comments);
    expect(kept('rules') / room).toBeGreaterThan(PART_SHARES.rules - 0.05);
    expect(kept('rules') / room).toBeLessThanOrEqual(PART_SHARES.rules);
    expect(kept('learnings') / room).toBeLessThanOrEqual(PART_SHARES.learnings);
  });

  it('marks each cut with the size left out and where the full text is', () => {
    const { text, cuts } = big();
    const cutKb = Math.ceil(cuts.find((c) => c.part === 'description')!.cutBytes / KB);
    expect(cutKb).toBeGreaterThan(900);
    expect(text).toMatch(new RegExp(`START d+\\n…truncated ${cutKb} KB; full text at ${URL.replace(/\./g, '\\.')}`));
    expect(text).not.toContain(' END');
    expect(text).toMatch(/RULES-HEAD r+\n…truncated \d+ KB; full text in CLAUDE\.md in the repository/);
    expect(text).not.toContain('RULES-TAIL');
    expect(text).toMatch(/- …\d+ more learning\(s\) left out to fit the prompt budget/);
    expect(text).toContain('learning 0 ');
  });

  it('keeps the newest comments first and leaves the oldest out', () => {
    const { text } = big();
    const shown = [...text.matchAll(/comment-(\d\d)/g)].map((m) => Number(m[1]));
    expect(shown[0]).toBe(29);
    expect(shown).toEqual([...shown].sort((a, b) => b - a));
    expect(shown).not.toContain(0);
    expect(text).toContain('comments, newest first');
    expect(text.slice(text.indexOf('comments, newest first'))).toMatch(
      /…truncated \d+ KB; full text at https:\/\/tracker\.example\/NS-7/,
    );
  });

  it('hands the room a small part does not use to the others', () => {
    const built = buildPrompt({
      repo: 'api',
      branch: 'b',
      tickets: [ticket({ description: 'd'.repeat(200 * KB) })],
      rules: [],
      maxTokens,
    });
    const kept = built.cuts.find((c) => c.part === 'description')!.keptBytes;
    expect(kept / (maxTokens * 3)).toBeGreaterThan(0.9);
    expect(built.estimatedTokens).toBeLessThanOrEqual(maxTokens);
  });

  it('leaves a prompt that fits untouched', () => {
    const t = ticket({ comments: comments(2, 100) });
    const built = buildPrompt({
      repo: 'api',
      branch: 'b',
      tickets: [t],
      rules: [{ name: 'CLAUDE.md', content: 'be nice' }],
      learnings: ['one'],
      maxTokens,
    });
    expect(built.cuts).toEqual([]);
    expect(built.text).not.toContain('truncated');
    expect(built.text).toContain('Short.');
    expect(built.text.indexOf('comment-01')).toBeLessThan(built.text.indexOf('comment-00'));
  });

  it('cuts a title past 1 KB and splits the ticket parts between the tickets of a batch', () => {
    const a = ticket({
      key: 'NS-1',
      title: 't'.repeat(5000),
      description: 'a'.repeat(500 * KB),
      url: 'https://t/NS-1',
    });
    const b = ticket({ key: 'NS-2', description: 'b'.repeat(500 * KB), url: 'https://t/NS-2' });
    const built = buildPrompt({ repo: 'api', branch: 'b', tickets: [a, b], rules: [], maxTokens });
    expect(built.estimatedTokens).toBeLessThanOrEqual(maxTokens);
    expect(built.cuts.find((c) => c.part === 'title')?.of).toBe('NS-1');
    const [da, db] = ['NS-1', 'NS-2'].map(
      (k) => built.cuts.find((c) => c.part === 'description' && c.of === k)!.keptBytes,
    );
    expect(Math.abs(da! - db!)).toBeLessThan(2 * KB);
    expect(built.text).toContain('full text at https://t/NS-1');
    expect(built.text).toContain('full text at https://t/NS-2');
  });
});

describe('the budget holds for every prompt sent (first session, follow-up, repair round)', () => {
  const maxTokens = 2000;
  const rules = (count: number, size: number) =>
    Array.from({ length: count }, (_, i) => ({ name: `rules-${i}.md`, content: 'r'.repeat(size) }));

  it('a follow-up whose repo template has no {{review}} slot', () => {
    const built = buildPrompt({
      repo: 'api',
      branch: 'b',
      tickets: [ticket()],
      rules: [],
      review: `Reviewer says:\n${'> fix it\n'.repeat(4000)}`,
      template: { text: 'Work on {{tickets}}', source: 'repo' },
      maxTokens,
    });
    expect(built.estimatedTokens).toBeLessThanOrEqual(maxTokens);
    expect(built.text).toContain('Reviewer says:');
    expect(built.cuts.map((c) => c.part)).toContain('review');
  });

  it('many rules files whose share is smaller than a truncation marker', () => {
    const built = buildPrompt({
      repo: 'api',
      branch: 'b',
      tickets: [ticket({ description: 'd'.repeat(100 * KB), comments: comments(5, 4 * KB) })],
      rules: rules(30, 4000),
      maxTokens,
    });
    expect(built.estimatedTokens).toBeLessThanOrEqual(maxTokens);
    expect(built.cuts.filter((c) => c.part === 'rules')).toHaveLength(30);
  });

  it('a repair round with long check output', () => {
    const built = buildPrompt({
      repo: 'api',
      branch: 'b',
      tickets: [ticket()],
      rules: [],
      repair: { instructions: 'Fix the checks.', output: `Check "unit":\n${'FAIL x\n'.repeat(10_000)}` },
      maxTokens,
    });
    expect(built.estimatedTokens).toBeLessThanOrEqual(maxTokens);
    expect(built.text).toContain('Fix the checks.');
    expect(built.text).toContain('Check "unit"');
  });

  it('over many sizes of every part, templates with and without the review slot', () => {
    let seed = 7;
    // mulberry32: a small seeded generator, so a failing case can be replayed.
    const rand = (n: number) => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4_294_967_296) * n);
    };
    const size = () => [0, 1, 10, 100, 1000, 5000, 20_000, 200_000][rand(8)]!;
    const templates = [undefined, { text: 'Do {{tickets}}{{rules}}{{learnings}}', source: 'repo' }];
    for (let i = 0; i < 400; i++) {
      const budget = 2000 + rand(20) * 1500;
      const tickets = Array.from({ length: 1 + rand(4) }, (_, k) =>
        ticket({
          key: `NS-${k}`,
          title: 't'.repeat(1 + rand(200)),
          description: 'é'.repeat(size()),
          comments: comments(rand(6), 30 + size()),
        }),
      );
      const built = buildPrompt({
        repo: 'api',
        branch: 'b',
        tickets,
        rules: rules(rand(31), size()),
        learnings: Array.from({ length: rand(20) }, () => 'l'.repeat(1 + rand(400))),
        ...(rand(2) ? { review: 'v'.repeat(1 + size()) } : {}),
        ...(rand(2) ? { repair: { instructions: 'Fix the checks.', output: 'o'.repeat(1 + size()) } } : {}),
        ...(templates[rand(2)] ? { template: templates[1]! } : {}),
        maxTokens: budget,
      });
      if (estimateTokens(built.text) > budget) throw new Error(`case ${i}: ${estimateTokens(built.text)} > ${budget}`);
      expect(built.estimatedTokens).toBe(estimateTokens(built.text));
    }
  });
});
