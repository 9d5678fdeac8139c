#!/usr/bin/env node
// Retrieval quality on the hand-written set in bench/memory-eval/: 44 lessons from realistic coding
// failures (build, test, lint, dependency, config, flaky test, migration …), 88 tickets that describe
// one of them in other words, and 24 unrelated tickets that must recall nothing. Each lesson is planted
// through Memory.saveMany (its own repo), each ticket recalled through Memory.recall (repo-scoped,
// topK 5, the minimum score applied) — what a session's prompt would get. Prints, per embedder and per
// split (`tune`: looked at while choosing weights and the threshold; `held`: not), recall@1, recall@5,
// MRR over the paraphrases and the share of unrelated tickets that got nothing. Needs `npm run build`.
//   node bench/memory-eval.js [--json]            (Ollama too when OLLAMA_HOST is set)
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const memoryLib = require('@nightshift/memory');

const { EmbeddedVectorStore, Memory, evaluateRecall } = memoryLib;
const SET = path.join(__dirname, 'memory-eval');
const read = (f) => JSON.parse(fs.readFileSync(path.join(SET, f), 'utf8'));
const lessons = read('lessons.json');
const queries = read('queries.json');
const unrelated = read('unrelated.json');

async function evaluate(name, embedder) {
  const set = { lessons, queries, unrelated };
  const rows = {};
  for (const split of ['tune', 'held']) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ns-bench-memory-eval-'));
    const memory = new Memory(new EmbeddedVectorStore(dir, 'eval'), embedder);
    await memory.open();
    rows[split] = await evaluateRecall(memory, set, split);
    await memory.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return { embedder: name, ...rows };
}

function embedders() {
  const out = [];
  if (memoryLib.LexicalHashEmbedder)
    out.push(['lexical-hash (feature hashing, before #34)', new memoryLib.LexicalHashEmbedder()]);
  if (memoryLib.LexicalBm25Embedder) out.push(['lexical-bm25 (the default)', new memoryLib.LexicalBm25Embedder()]);
  if (process.env.OLLAMA_HOST && memoryLib.OllamaEmbedder)
    out.push([
      `ollama:${process.env.OLLAMA_MODEL ?? 'nomic-embed-text'}`,
      new memoryLib.OllamaEmbedder({
        host: process.env.OLLAMA_HOST,
        model: process.env.OLLAMA_MODEL ?? 'nomic-embed-text',
      }),
    ]);
  return out;
}

async function main() {
  const results = [];
  for (const [name, embedder] of embedders()) results.push(await evaluate(name, embedder));
  if (process.argv.includes('--json')) return console.log(JSON.stringify(results, null, 2));
  const f = (x) => x.toFixed(3);
  console.log(
    `set: ${lessons.length} lessons, ${queries.length} paraphrase tickets, ${unrelated.length} unrelated tickets (tune/held split)`,
  );
  console.log('embedder | split | recall@1 | recall@5 | MRR | unrelated with nothing');
  for (const r of results)
    for (const split of ['tune', 'held']) {
      const s = r[split];
      console.log(
        `${r.embedder} | ${split} (${s.paraphrases}+${s.unrelated}) | ${f(s.recallAt1)} | ${f(s.recallAt5)} | ${f(s.mrr)} | ${f(s.unrelatedEmpty)}`,
      );
    }
  if (!process.env.OLLAMA_HOST) console.log('ollama: not measured (OLLAMA_HOST is not set)');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
