import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';

import type { HostConfig } from '@nightshift/config';
import { type MachineIdentity, machineIdentity } from '@nightshift/service-shell';
import type { HostInfo, HostRegistry } from '@nightshift/state';
import { Gauge, type Registry } from 'prom-client';

/** This build's version, as the host reports it (so a fleet running mixed versions shows in `status`). */
export function runnerVersion(): string {
  try {
    return (
      (JSON.parse(readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')) as { version?: string }).version ??
      'unknown'
    );
  } catch {
    return 'unknown';
  }
}

/** NIGHTSHIFT_HOST_HEARTBEAT_MS (default 10 s); the host is gone after three missed beats. */
export function hostHeartbeatMs(env: NodeJS.ProcessEnv): number {
  const raw = env['NIGHTSHIFT_HOST_HEARTBEAT_MS'];
  if (raw === undefined || raw === '') return 10_000;
  const ms = Number(raw);
  if (!Number.isFinite(ms) || ms < 50)
    throw new Error(
      `NIGHTSHIFT_HOST_HEARTBEAT_MS=${raw} is not a number of milliseconds >= 50 (unset it for the default 10000)`,
    );
  return ms;
}

/**
 * Registers this host (name, capabilities, slots, version, pid) and renews it every interval; the
 * entry expires after `ttlMs` without a beat, which is how a dead host becomes "gone". Each beat
 * also reads the registry, so this runner's /metrics say which hosts of the swarm are up. Slots are
 * not exported here: `nightshift_host_slots` is the metrics-exporter's (configured slots per host) and
 * this runner's own are `nightshift_slots` / `nightshift_slots_busy`: one name, one meaning.
 */
export class HostHeartbeat {
  private timer?: NodeJS.Timeout;
  private joined = false;
  private idleReason: string | undefined;
  private readonly startedAt = new Date().toISOString();
  /** This process among the replicas of its host (they share the host's name and machine). */
  private readonly runnerId = randomUUID();
  readonly up: Gauge;

  constructor(
    private readonly registry: HostRegistry,
    private readonly host: HostConfig,
    private readonly slotsBusy: () => number,
    metrics: Registry,
    private readonly intervalMs: number,
    private readonly ttlMs = intervalMs * 3,
    private readonly identity: MachineIdentity = machineIdentity(),
  ) {
    this.up = new Gauge({
      name: 'nightshift_host_up',
      help: 'Hosts whose heartbeat is live (1) or expired (0), as this runner sees the registry',
      labelNames: ['host'],
      registers: [metrics],
    });
  }

  info(): HostInfo {
    return {
      name: this.host.name,
      capabilities: this.host.capabilities,
      slots: this.host.slots,
      slotsBusy: this.slotsBusy(),
      version: runnerVersion(),
      pid: process.pid,
      startedAt: this.startedAt,
      heartbeatAt: new Date().toISOString(),
      machineId: this.identity.machineId,
      bootId: this.identity.bootId,
      runnerId: this.runnerId,
      ...(this.idleReason ? { idleReason: this.idleReason } : {}),
    };
  }

  /** Says (at once, then on every beat) why this runner takes no session, or (undefined) that it takes them again. */
  async setIdle(reason: string | undefined): Promise<void> {
    if (reason === this.idleReason) return;
    this.idleReason = reason;
    await this.beat().catch(() => undefined);
  }

  /** Joins the registry (see `join`), then beats every interval. Throws HostTakenError. */
  async start(): Promise<void> {
    await this.join();
    await this.beat();
    this.timer = setInterval(() => void this.beat().catch(() => undefined), this.intervalMs);
    this.timer.unref();
  }

  async beat(): Promise<void> {
    await this.registry.beat(this.info(), this.ttlMs);
    const view = await this.registry.list();
    for (const h of view.live) {
      this.up.set({ host: h.name }, 1);
    }
    for (const h of view.gone) {
      this.up.set({ host: h.name }, 0);
    }
  }

  /**
   * Registers this host unless its name is live from another machine or boot: two machines sharing one config
   * without NIGHTSHIFT_HOST would reap each other's sessions. An entry that stops beating (this machine before
   * a reboot, a machine switched off) is waited out for one TTL; one that beats again means the name is taken.
   */
  private async join(): Promise<void> {
    const deadline = Date.now() + this.ttlMs + this.intervalMs;
    let first: HostInfo | undefined;
    for (;;) {
      const other = await this.registry.join(this.info(), this.ttlMs);
      if (!other) {
        this.joined = true;
        return;
      }
      first ??= other;
      if (other.heartbeatAt !== first.heartbeatAt || Date.now() > deadline) throw new HostTakenError(other);
      await new Promise((r) => setTimeout(r, Math.min(1000, this.intervalMs)));
    }
  }

  /** A clean stop says so at once; a kill -9 is noticed when the TTL runs out. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    // A runner refused for a taken name must not end the other machine's entry.
    if (this.joined) await this.registry.leave(this.host.name, this.runnerId);
  }
}

/** The host name this runner would serve is live from another machine (or another boot of this one). */
export class HostTakenError extends Error {
  override readonly name = 'HostTakenError';
  constructor(readonly other: HostInfo) {
    super(
      `host "${other.name}" is already live from another machine (machine id ${other.machineId}, boot ${other.bootId}, pid ${other.pid}); set NIGHTSHIFT_HOST on each machine to a host of its own in nightshift.yaml`,
    );
  }
}
