import type { DependencyContainer } from 'tsyringe';
import { RivetError } from '../errors/rivet-error';
import type { Plugin } from '../pipeline/plugin';
import { WebSocketHub } from '../realtime/client';
import { Channels } from './channels';
import { MemoryPubSub, type PubSub } from './pubsub';

/** Checks `createApp({ pubsub })` at start-up; absent means an in-process `MemoryPubSub`. */
export function normalizePubSub(value: unknown): PubSub {
  if (value === undefined) return new MemoryPubSub();
  const bus = value as Partial<PubSub> | null;
  if (bus === null || typeof bus !== 'object' || (['publish', 'subscribe', 'history', 'ping', 'close'] as const).some((m) => typeof bus[m] !== 'function')) {
    throw new RivetError('RIVET_OPTIONS_INVALID', `pubsub is ${String(value)}, not a pub/sub bus.\n  Fix: pass new RedisPubSub({ url }) to share broadcasts and channels between processes, or leave it out for the in-process default.`);
  }
  return bus as PubSub;
}

/**
 * The app's pub/sub: registers the injectable {@link Channels} on the bus, and routes the {@link WebSocketHub}'s
 * broadcasts through it (so that with Redis they reach every worker and instance). `listen()` resolves once the
 * hub is subscribed; `close()` stops the subscriptions and closes the bus.
 */
export function pubsubPlugin(bus: PubSub, container: DependencyContainer, report: (err: unknown) => void): Plugin {
  const errorsOf = bus as { onError?: (err: unknown) => void };
  if ('onError' in bus && errorsOf.onError === undefined) errorsOf.onError = report;
  if (!container.isRegistered(Channels, true)) {
    const channels = new Channels(bus);
    channels.onError = report;
    container.register(Channels, { useValue: channels });
  }
  const hub = container.isRegistered(WebSocketHub, true) ? container.resolve(WebSocketHub) : null;
  let subscribed: Promise<void> | null = null;
  if (hub !== null) {
    hub.onError = report;
    subscribed = hub.useBus(bus);
    // Reported here; listen() still waits for it and fails with it.
    subscribed.catch(report);
  }
  return {
    name: 'pubsub',
    async onListen() {
      await subscribed;
    },
    async onClose() {
      hub?.detachBus();
      await bus.close();
    },
  };
}
