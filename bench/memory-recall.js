#!/usr/bin/env node
// Recall over the embedded memory store with the default (BM25) embedder: p50/p99 latency at N
// learnings (default 100,000 generated ones, plus the 44 hand-written lessons of bench/memory-eval)
// through the inverted index, beside a bare exact scan over the same vectors in the same run (the
// floor), and recall@5 of the hand-written paraphrasing tickets (bench/memory-eval/queries.json,
// cycled to --queries) finding their lesson among them all. Needs `npm run build`.
//   node bench/memory-recall.js [--learnings 100000] [--queries 200]
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { EmbeddedVectorStore, LexicalBm25Embedder, Memory, evalLearning, learningIdFor } = require('@nightshift/memory');
const { numberArg, percentile } = require('./bench-util');

const N = numberArg('learnings', 100_000);
const QUERIES = numberArg('queries', 200);
const VOCAB = Array.from({ length: 20_000 }, (_, i) => `t${i.toString(36)}`);

let seed = 7;
const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
const pick = (n) => Array.from({ length: n }, () => VOCAB[Math.floor(rand() * VOCAB.length)]);
const ms = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ns-bench-memory-'));
  const embedder = new LexicalBm25Embedder();
  const memory = new Memory(new EmbeddedVectorStore(dir, 'bench'), embedder);
  await memory.open();
  const texts = [];
  const now = new Date().toISOString();
  let t0 = process.hrtime.bigint();
  for (let start = 0; start < N; start += 5000) {
    const batch = [];
    for (let i = start; i < Math.min(N, start + 5000); i++) {
      const words = pick(24);
      texts.push(words);
      batch.push({
        id: learningIdFor(`bench-${i}`),
        repo: `repo-${i % 20}`,
        tickets: [`B-${i}`],
        outcome: 'task_failed',
        model: 'sonnet',
        tried: words.slice(0, 10).join(' '),
        errorLines: words.slice(10).join(' '),
        fix: '',
        runIds: [`bench-${i}`],
        confirmedBy: [],
        status: 'candidate',
        supersededBy: '',
        createdAt: now,
        updatedAt: now,
      });
    }
    await memory.saveMany(batch);
  }
  const evalSet = (f) => JSON.parse(fs.readFileSync(path.join(__dirname, 'memory-eval', f), 'utf8'));
  const lessons = evalSet('lessons.json');
  const paraphrases = evalSet('queries.json');
  await memory.saveMany(lessons.map(evalLearning));
  const loadMs = ms(t0);

  // Labelled queries: the hand-written tickets, each describing one planted lesson in other words.
  const repoOf = new Map(lessons.map((l) => [l.id, l.repo]));
  const labelled = Array.from({ length: QUERIES }, (_, i) => {
    const q = paraphrases[i % paraphrases.length];
    return {
      target: evalLearning(lessons.find((l) => l.id === q.answer)).id,
      repo: repoOf.get(q.answer),
      query: q.text,
    };
  });

  const latencies = [];
  let hits = 0;
  for (const q of labelled) {
    t0 = process.hrtime.bigint();
    const found = await memory.recall({ query: q.query, repo: q.repo, topK: 5 });
    latencies.push(ms(t0));
    if (found.some((f) => f.id === q.target)) hits++;
  }
  latencies.sort((a, b) => a - b);

  // Floor: a bare exact scan (dot product against every stored vector, dense), no payloads, no filter.
  const dim = embedder.dimension;
  const sample = Math.min(N, 20_000);
  const dense = new Float32Array(sample * dim);
  for (let i = 0; i < sample; i++) dense.set(embedder.documentVector(texts[i].join(' ')), i * dim);
  const scan = [];
  for (const q of labelled.slice(0, 30)) {
    const v = embedder.queryVector(q.query, () => 1);
    t0 = process.hrtime.bigint();
    let best = -1;
    for (let i = 0; i < sample; i++) {
      let s = 0;
      const o = i * dim;
      for (let j = 0; j < dim; j++) s += dense[o + j] * v[j];
      if (s > best) best = s;
    }
    scan.push((ms(t0) * N) / sample);
  }
  scan.sort((a, b) => a - b);

  console.log(
    `embedded memory store, ${N.toLocaleString()} learnings (${embedder.name}), loaded in ${(loadMs / 1000).toFixed(1)} s`,
  );
  console.log(
    `recall (repo-scoped then global, top 5), ${QUERIES} queries: p50 ${percentile(latencies, 50).toFixed(2)} ms, p99 ${percentile(latencies, 99).toFixed(2)} ms (target p99 <= 20 ms)`,
  );
  console.log(
    `floor, bare exact dense scan of ${N.toLocaleString()} vectors (measured on ${sample.toLocaleString()}, scaled): p50 ${percentile(scan, 50).toFixed(1)} ms, p99 ${percentile(scan, 99).toFixed(1)} ms`,
  );
  console.log(
    `recall@5 of the hand-written paraphrases among them: ${((100 * hits) / QUERIES).toFixed(1)} % (${hits}/${QUERIES})`,
  );
  fs.rmSync(dir, { recursive: true, force: true });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
