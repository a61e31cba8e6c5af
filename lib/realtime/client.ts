import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { WebSocket } from 'ws';

/** One connected WebSocket client, as gateway handlers see it. */
export class WsClient {
  /** A random id, unique per connection. */
  readonly id: string = randomUUID();
  /** The underlying `ws` socket. */
  readonly socket: WebSocket;
  /** The upgrade request (headers, URL). */
  readonly request: IncomingMessage;
  /** What the guards left on the upgrade request's context (`state.user`), and anything handlers keep per client. */
  readonly state: Record<string, unknown> & { user?: unknown };
  readonly #hub: WebSocketHub;
  readonly #rooms = new Set<string>();
  /** @internal heartbeat: whether the peer answered the last ping. */
  alive = true;

  constructor(socket: WebSocket, request: IncomingMessage, state: Record<string, unknown>, hub: WebSocketHub) {
    this.socket = socket;
    this.request = request;
    this.state = state;
    this.#hub = hub;
  }

  /** The rooms the client is in. */
  get rooms(): ReadonlySet<string> {
    return this.#rooms;
  }

  /** Sends a message: strings and bytes as they are, anything else as JSON. Does nothing once the socket is closing. */
  send(message: unknown): void {
    if (this.socket.readyState !== 1) return;
    this.socket.send(typeof message === 'string' || message instanceof Uint8Array ? message : JSON.stringify(message));
  }

  /** Joins a room (see {@link WebSocketHub.broadcast}). */
  join(room: string): void {
    this.#rooms.add(room);
    this.#hub.add(room, this);
  }

  /** Leaves a room. */
  leave(room: string): void {
    this.#rooms.delete(room);
    this.#hub.remove(room, this);
  }

  /** Closes the connection (1000 by default). */
  close(code = 1000, reason = ''): void {
    this.socket.close(code, reason);
  }

  /** @internal on disconnect: leaves every room. */
  leaveAll(): void {
    for (const room of this.#rooms) this.#hub.remove(room, this);
    this.#rooms.clear();
  }
}

/** Options of {@link WebSocketHub.broadcast}. */
export interface BroadcastOptions {
  /** Only clients in this room (default: every connected client of the app's gateways). */
  room?: string;
  /** A client to leave out (usually the sender). */
  except?: WsClient;
}

/**
 * What the hub needs of the app's pub/sub (`PubSub`, lib/pubsub): publish to every process, hear what any published.
 * Declared here so that realtime does not depend on the bus's implementations.
 */
export interface HubBus {
  publish(channel: string, payload: string): Promise<unknown>;
  subscribe(channel: string, listener: (payload: string) => void): Promise<() => void>;
}

/** The bus channel of broadcasts. */
const HUB_CHANNEL = 'rivet.ws.broadcast';

/** A broadcast on the bus: the frame (text, or bytes in base64), the room, and the client left out. */
interface Envelope { t?: string; b?: string; r?: string; x?: string }

/**
 * The connected clients of an app's gateways, with rooms. Injectable: a gateway or any service of the app takes
 * it in its constructor to broadcast. In an app, broadcasts go through the app's pub/sub (`createApp({ pubsub })`),
 * so with a `RedisPubSub` they reach the clients of every worker and instance, each client once.
 * @example constructor(private readonly hub: WebSocketHub) {} … this.hub.broadcast({ type: 'joined', data: name }, { room: 'lobby' });
 */
export class WebSocketHub {
  readonly #clients = new Set<WsClient>();
  readonly #rooms = new Map<string, Set<WsClient>>();
  #bus: HubBus | null = null;
  #unsubscribe: (() => void) | null = null;
  // Clients reached by the deliveries the bus made during the current broadcast() call (all of them on an in-process bus).
  #reached = 0;
  /** Called when publishing a broadcast fails (the app passes its logger). */
  onError: (err: unknown) => void = (err) => console.error('rivet: a WebSocket broadcast failed:', err);

  /** How many clients are connected to this process. */
  get size(): number {
    return this.#clients.size;
  }

  /** The clients connected to this process, or those of them in `room`. */
  clients(room?: string): WsClient[] {
    return [...(room === undefined ? this.#clients : this.#rooms.get(room) ?? [])];
  }

  /**
   * Sends `message` (JSON unless a string or bytes, serialized once) to every client, or to those in a room, in
   * every process that shares the app's pub/sub. Returns how many clients of this process got it at once: all of
   * them on the in-process bus; on a shared bus (Redis) delivery comes back through the bus, and the count is 0.
   */
  broadcast(message: unknown, options: BroadcastOptions = {}): number {
    const frame = typeof message === 'string' || message instanceof Uint8Array ? message : JSON.stringify(message);
    const bus = this.#bus;
    if (bus === null) return this.#deliver(frame, options.room, options.except?.id);
    const envelope: Envelope = typeof frame === 'string' ? { t: frame } : { b: Buffer.from(frame).toString('base64') };
    if (options.room !== undefined) envelope.r = options.room;
    if (options.except !== undefined) envelope.x = options.except.id;
    this.#reached = 0;
    bus.publish(HUB_CHANNEL, JSON.stringify(envelope)).catch((err: unknown) => this.onError(err));
    const reached = this.#reached;
    this.#reached = 0;
    return reached;
  }

  /**
   * @internal Routes broadcasts through `bus`: from now on a broadcast is published, and clients get messages only
   * from the bus, so that each gets each message once whichever process published it. Resolves once subscribed.
   */
  async useBus(bus: HubBus): Promise<void> {
    this.#unsubscribe?.();
    this.#bus = bus;
    this.#unsubscribe = await bus.subscribe(HUB_CHANNEL, (payload) => {
      const e = JSON.parse(payload) as Envelope;
      this.#reached += this.#deliver(e.t ?? Buffer.from(e.b ?? '', 'base64'), e.r, e.x);
    });
  }

  /** @internal Stops listening to the bus (the app closes). */
  detachBus(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = null;
  }

  #deliver(frame: string | Uint8Array, room: string | undefined, except: string | undefined): number {
    const targets = room === undefined ? this.#clients : this.#rooms.get(room);
    if (targets === undefined) return 0;
    let sent = 0;
    for (const client of targets) {
      if (client.id === except || client.socket.readyState !== 1) continue;
      client.socket.send(frame);
      sent++;
    }
    return sent;
  }

  /** @internal */
  connected(client: WsClient): void {
    this.#clients.add(client);
  }

  /** @internal */
  disconnected(client: WsClient): void {
    this.#clients.delete(client);
    client.leaveAll();
  }

  /** @internal */
  add(room: string, client: WsClient): void {
    let set = this.#rooms.get(room);
    if (set === undefined) this.#rooms.set(room, (set = new Set()));
    set.add(client);
  }

  /** @internal */
  remove(room: string, client: WsClient): void {
    const set = this.#rooms.get(room);
    if (set === undefined) return;
    set.delete(client);
    if (set.size === 0) this.#rooms.delete(room);
  }
}
