import { stem } from './stem';

/**
 * Families of words people use for one kind of failure. A lesson says "deadline exceeded" and the next
 * ticket says "the tests hang": lexical matching alone scores that 0. Each word of a family adds the
 * family's name as one more term, on both sides, so the two meet; the words themselves still count.
 * General software vocabulary only — never words taken from the evaluation set's answers.
 */
const FAMILIES: Record<string, string> = {
  timeout: 'timeout timeouts deadline deadlines hang hangs hanging hung stuck slow exceeded timed',
  memory: 'memory oom oomkilled heap allocation leak ram',
  flaky:
    'flaky flake flakey intermittent intermittently random randomly sometimes occasionally nondeterministic race racing unstable',
  dependency:
    'dependency dependencies package packages module modules library libraries npm pip yarn pnpm peer lockfile version versions resolve',
  lint: 'lint linter linting eslint clippy pylint rubocop style formatter formatting prettier',
  typecheck: 'type types typing typescript tsc mypy assignable typecheck',
  migration: 'migration migrations schema alter column index constraint table',
  database: 'database db postgres postgresql mysql sqlite sql relation query',
  config: 'config configuration settings setting environment env variable variables dotenv',
  permission: 'permission permissions denied eacces forbidden unauthorized access chmod chown',
  connection: 'connection connect refused econnrefused unreachable reachable listening socket port',
  crash: 'crash crashes crashed crashloopbackoff killed restart restarting restarts dies died exit exited',
  build: 'build builds compile compiles compiled compilation compiler bundle bundler webpack gradle maven',
  container: 'container containers docker dockerfile image pod pods kubernetes k8s podman',
  test: 'test tests testing spec specs jest vitest mocha pytest cypress playwright e2e assertion',
  ci: 'ci pipeline pipelines workflow workflows actions runner jenkins',
  certificate: 'certificate certificates cert certs tls ssl ca',
  lock: 'lock locks locked locking mutex',
  cache: 'cache caches cached caching',
  render: 'render renders rendering ssr hydration hydrate markup html',
  time: 'date dates time times timezone utc midnight clock timestamp',
  snapshot: 'snapshot snapshots',
  duplicate: 'duplicate duplicates duplicated identical repeated same unique uniqueness',
  ios: 'ios iphone ipad xcode cocoapods pod podfile swift',
  android: 'android apk aab gradle aapt',
  css: 'css stylesheet styles tailwind sass scss',
  limit: 'limit limits budget quota',
  missing: 'missing absent undefined notfound',
  email: 'email emails mail smtp',
  upgrade: 'upgrade upgrading upgraded bump bumping update updating major',
};

const CONCEPT = new Map<string, string>();
for (const [family, words] of Object.entries(FAMILIES))
  for (const w of words.split(' ')) CONCEPT.set(stem(w), `~${family}`);

/** The family term of a (stemmed) word, e.g. `deadlin` → `~timeout`; undefined when it has none. */
export function conceptOf(term: string): string | undefined {
  return CONCEPT.get(term);
}
