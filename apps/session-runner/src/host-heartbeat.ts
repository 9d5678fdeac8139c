import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Gauge, type Registry } from 'prom-client';
import type { HostConfig } from '@nightshift/config';
import type { HostInfo, HostRegistry } from '@nightshift/state';

/** This build's version, as the host reports it (so a fleet running mixed versions shows in `status`). */
export function runnerVersion(): string {
  try {
    return (JSON.parse(readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** NIGHTSHIFT_HOST_HEARTBEAT_MS (default 10 s); the host is gone after three missed beats. */
export function hostHeartbeatMs(env: NodeJS.ProcessEnv): number {
  const raw = env['NIGHTSHIFT_HOST_HEARTBEAT_MS'];
  if (raw === undefined || raw === '') return 10_000;
  const ms = Number(raw);
  if (!Number.isFinite(ms) || ms < 50) throw new Error(`NIGHTSHIFT_HOST_HEARTBEAT_MS=${raw} is not a number of milliseconds >= 50 (unset it for the default 10000)`);
  return ms;
}

/**
 * Registers this host (name, capabilities, slots, version, pid) and renews it every interval; the
 * entry expires after `ttlMs` without a beat, which is how a dead host becomes "gone". Each beat
 * also reads the registry, so this runner's /metrics say which hosts of the swarm are up.
 */
export class HostHeartbeat {
  private timer?: NodeJS.Timeout;
  private readonly startedAt = new Date().toISOString();
  readonly up: Gauge;
  readonly hostSlots: Gauge;

  constructor(
    private readonly registry: HostRegistry,
    private readonly host: HostConfig,
    private readonly slotsBusy: () => number,
    metrics: Registry,
    private readonly intervalMs: number,
    private readonly ttlMs = intervalMs * 3,
  ) {
    this.up = new Gauge({ name: 'nightshift_host_up', help: 'Hosts whose heartbeat is live (1) or expired (0), as this runner sees the registry', labelNames: ['host'], registers: [metrics] });
    this.hostSlots = new Gauge({ name: 'nightshift_host_slots', help: 'Session slots per live host, by state (busy, free)', labelNames: ['host', 'state'], registers: [metrics] });
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
    };
  }

  async start(): Promise<void> {
    await this.beat();
    this.timer = setInterval(() => void this.beat().catch(() => undefined), this.intervalMs);
    this.timer.unref();
  }

  async beat(): Promise<void> {
    await this.registry.beat(this.info(), this.ttlMs);
    const view = await this.registry.list();
    for (const h of view.live) {
      this.up.set({ host: h.name }, 1);
      this.hostSlots.set({ host: h.name, state: 'busy' }, h.slotsBusy);
      this.hostSlots.set({ host: h.name, state: 'free' }, Math.max(0, h.slots - h.slotsBusy));
    }
    for (const h of view.gone) {
      this.up.set({ host: h.name }, 0);
      this.hostSlots.remove({ host: h.name, state: 'busy' });
      this.hostSlots.remove({ host: h.name, state: 'free' });
    }
  }

  /** A clean stop says so at once; a kill -9 is noticed when the TTL runs out. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.registry.leave(this.host.name);
  }
}
