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
 * The connected clients of an app's gateways, with rooms. Injectable: a gateway or any service of the app takes
 * it in its constructor to broadcast.
 * @example constructor(private readonly hub: WebSocketHub) {} … this.hub.broadcast({ type: 'joined', data: name }, { room: 'lobby' });
 */
export class WebSocketHub {
  readonly #clients = new Set<WsClient>();
  readonly #rooms = new Map<string, Set<WsClient>>();

  /** How many clients are connected. */
  get size(): number {
    return this.#clients.size;
  }

  /** The connected clients, or those in `room`. */
  clients(room?: string): WsClient[] {
    return [...(room === undefined ? this.#clients : this.#rooms.get(room) ?? [])];
  }

  /** Sends `message` (JSON unless a string or bytes, serialized once) to every client, or to those in a room. Returns how many got it. */
  broadcast(message: unknown, options: BroadcastOptions = {}): number {
    const targets = options.room === undefined ? this.#clients : this.#rooms.get(options.room);
    if (targets === undefined) return 0;
    const frame = typeof message === 'string' || message instanceof Uint8Array ? message : JSON.stringify(message);
    let sent = 0;
    for (const client of targets) {
      if (client === options.except || client.socket.readyState !== 1) continue;
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
