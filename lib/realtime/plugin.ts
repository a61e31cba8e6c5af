import type { ErrorPolicy } from '../errors/problem';
import type { JsonLimits } from '../http/json';
import type { Server } from 'node:http';
import type { DependencyContainer } from 'tsyringe';
import type { GuardRef } from '../metadata/types';
import type { Plugin } from '../pipeline/plugin';
import { WebSocketHub } from './client';
import { closeEventStreams } from './sse';
import { GatewayServer } from './ws-server';

/** What the realtime feature needs from the app options. */
export interface RealtimeOptions {
  readonly gateways: readonly Function[];
  readonly guards: readonly GuardRef[];
  readonly errors: ErrorPolicy;
  /** `limits.depth` and `limits.properties`: what a JSON message may hold. */
  readonly json: JsonLimits;
}

/**
 * Server-Sent Events and WebSocket gateways. Nothing runs per HTTP request: gateways are served on the server's `upgrade` event, and on shutdown open event streams end and
 * WebSocket clients are closed with 1001 before the server drains. The {@link WebSocketHub} is registered in the
 * container so that gateways and services can broadcast.
 */
export function realtimePlugin(options: RealtimeOptions, container: DependencyContainer): Plugin {
  const hub = new WebSocketHub();
  if (!container.isRegistered(WebSocketHub, true)) container.register(WebSocketHub, { useValue: hub });
  let server: Server | null = null;
  let gateways: GatewayServer | null = null;
  return {
    name: 'realtime',
    attach(host) {
      server = host.server;
      // Resolved here, after every provider and feature service is registered, still inside createApp.
      if (options.gateways.length > 0) {
        gateways = new GatewayServer(options.gateways, container, options.guards, hub, options.errors, options.json);
        gateways.attach(host.server);
      }
    },
    async beforeClose() {
      if (server !== null) closeEventStreams(server);
      await gateways?.close();
    },
  };
}
