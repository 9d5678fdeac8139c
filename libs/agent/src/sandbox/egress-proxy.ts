import { randomBytes } from 'node:crypto';
import type { AddressInfo, Socket } from 'node:net';

import { RequestError, Server } from 'proxy-chain';

import { egressAllowed } from './egress-allowlist';

/** A connection the proxy refused: where the agent tried to go. */
export interface EgressDenial {
  host: string;
  port: number;
  at: string;
}

/** Who a session's proxy traffic belongs to (for the log line and the metric). */
export interface EgressOwner {
  repo: string;
  session: string;
}

export type OnEgressDenied = (owner: EgressOwner, denial: EgressDenial) => void;

interface Admitted {
  owner: EgressOwner;
  password: string;
  allow: readonly string[];
  denials: EgressDenial[];
}

/** A session's pass through the proxy: its credentials (for the container's HTTPS_PROXY) and how to give it back. */
export interface EgressPass {
  url: string;
  /** Ends the pass; returns every connection the proxy refused the session. */
  release(): EgressDenial[];
}

/**
 * The one way out of the sandbox network: a forward proxy (proxy-chain, in the runner's own process) that lets
 * a CONNECT or a plain HTTP request through only to a host on the session's allowlist. Each session gets its
 * own random credentials, so every refusal is counted against the session that made it, and a container
 * without a live pass gets nothing at all.
 */
export class EgressProxy {
  private readonly sessions = new Map<string, Admitted>();
  private server?: Server;
  private gateway?: string;

  constructor(private readonly onDenied: OnEgressDenied) {}

  /**
   * Serves the containers of the sandbox network at `gateway`. The gateway address exists on the host only while
   * some container is on the network (podman makes the bridge then), so the proxy listens on every address and
   * drops at once any connection that did not come in through the gateway.
   */
  async listen(gateway: string): Promise<void> {
    if (this.server) return;
    this.gateway = gateway;
    const server = new Server({
      port: 0,
      prepareRequestFunction: ({ username, password, hostname, port }) => {
        const session = this.sessions.get(username);
        if (!session || session.password !== password) return { requestAuthentication: true };
        if (egressAllowed(session.allow, hostname, port)) return {};
        const denial = { host: hostname, port, at: new Date().toISOString() };
        session.denials.push(denial);
        this.onDenied(session.owner, denial);
        throw new RequestError(`egress to ${hostname}:${port} is not on this sandbox's allowlist`, 403);
      },
    });
    server.on('requestFailed', () => undefined); // a refused or broken client connection is not the runner's failure
    server.server.prependListener('connection', (socket: Socket) => {
      if (socket.localAddress?.replace(/^::ffff:/, '') !== gateway) socket.destroy();
    });
    await server.listen();
    this.server = server;
  }

  /** The proxy's address as a container sees it. */
  get address(): string {
    if (!this.server || !this.gateway) throw new Error('the egress proxy is not listening');
    return `${this.gateway}:${(this.server.server.address() as AddressInfo).port}`;
  }

  admit(owner: EgressOwner, allow: readonly string[]): EgressPass {
    const username = randomBytes(8).toString('hex');
    const password = randomBytes(16).toString('hex');
    const admitted: Admitted = { owner, password, allow: [...allow], denials: [] };
    this.sessions.set(username, admitted);
    return {
      url: `http://${username}:${password}@${this.address}`,
      release: () => {
        this.sessions.delete(username);
        return admitted.denials;
      },
    };
  }

  async close(): Promise<void> {
    await this.server?.close(true);
    this.server = undefined;
  }
}
