import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** Per-host session metrics; the swarm-wide view is the metrics-exporter's job. */
export class SessionMetrics {
  readonly sessions: Counter;
  readonly duration: Histogram;
  readonly slotsBusy: Gauge;
  readonly slots: Gauge;
  readonly tokens: Counter;
  readonly cost: Counter;
  readonly attemptsSpent: Counter;
  readonly permissionDenials: Counter;
  readonly pushBlocked: Counter;
  readonly egressDenied: Counter;

  constructor(registry: Registry) {
    const registers = [registry];
    this.sessions = new Counter({
      name: 'nightshift_sessions_total',
      help: 'Agent sessions by outcome',
      labelNames: ['outcome', 'model', 'repo', 'host'],
      registers,
    });
    this.duration = new Histogram({
      name: 'nightshift_session_duration_seconds',
      help: 'Agent session wall time',
      labelNames: ['outcome', 'model'],
      buckets: [1, 5, 10, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200],
      registers,
    });
    this.slotsBusy = new Gauge({
      name: 'nightshift_slots_busy',
      help: 'Session slots in use on this host',
      labelNames: ['host'],
      registers,
    });
    this.slots = new Gauge({
      name: 'nightshift_slots',
      help: 'Session slots configured on this host',
      labelNames: ['host'],
      registers,
    });
    this.tokens = new Counter({
      name: 'nightshift_session_tokens_total',
      help: 'Tokens used by sessions',
      labelNames: ['kind', 'model', 'repo'],
      registers,
    });
    this.cost = new Counter({
      name: 'nightshift_session_cost_usd_total',
      help: 'Cost reported by the agent CLI',
      labelNames: ['model', 'repo'],
      registers,
    });
    this.permissionDenials = new Counter({
      name: 'nightshift_agent_permission_denials_total',
      help: 'Tool calls the agent CLI refused for lack of a permission rule',
      labelNames: ['repo', 'tool'],
      registers,
    });
    this.pushBlocked = new Counter({
      name: 'nightshift_push_blocked_total',
      help: 'Pushes refused before they left: a secret in the change, or a change to a protected path',
      labelNames: ['repo', 'reason'],
      registers,
    });
    this.egressDenied = new Counter({
      name: 'nightshift_sandbox_egress_denied_total',
      help: 'Connections the sandbox egress proxy refused (host not on the allowlist)',
      labelNames: ['repo'],
      registers,
    });
    this.attemptsSpent = new Counter({
      name: 'nightshift_attempts_spent_total',
      help: 'Attempts spent by task failures',
      labelNames: ['repo', 'outcome'],
      registers,
    });
  }
}
