import { RivetError } from '../errors/rivet-error';
import { legacyDecorator } from '../metadata/legacy';

/** Options of {@link WebSocketGateway}. */
export interface GatewayOptions {
  /** Ping interval in milliseconds; a peer that has not answered the previous ping is terminated (default 30000; `false`: off). */
  heartbeat?: number | false;
  /** Largest accepted message in bytes (default 1 MiB); a larger one closes the connection with 1009. */
  maxPayload?: number;
}

/** One `@OnMessage` handler. */
export interface MessageHandlerMeta {
  /** The message `type` it answers, or `null` for any message without a more specific handler. */
  readonly type: string | null;
  readonly method: string | symbol;
}

/** What the gateway decorators recorded on a class (plain data; compiled by the gateway server at start-up). */
export interface GatewayMeta {
  path: string | undefined;
  options: GatewayOptions;
  connect: (string | symbol)[];
  close: (string | symbol)[];
  messages: MessageHandlerMeta[];
}

const gateways = new WeakMap<Function, GatewayMeta>();

function metaOf(ctor: Function): GatewayMeta {
  let meta = gateways.get(ctor);
  if (meta === undefined) gateways.set(ctor, (meta = { path: undefined, options: {}, connect: [], close: [], messages: [] }));
  return meta;
}

/** The recorded metadata of a gateway class and its ancestors (the nearest class's path and options win). */
export function gatewayMeta(ctor: Function): GatewayMeta | undefined {
  const chain: Function[] = [];
  for (let c: Function | null = ctor; c !== null && c !== Function.prototype && c !== Object; c = Object.getPrototypeOf(c) as Function | null) chain.push(c);
  const own = chain.map((c) => gateways.get(c)).filter((m): m is GatewayMeta => m !== undefined);
  if (own.length === 0) return undefined;
  const out: GatewayMeta = { path: own.find((m) => m.path !== undefined)?.path, options: own.find((m) => m.path !== undefined)?.options ?? {}, connect: [], close: [], messages: [] };
  // Base class first, so a subclass's handler for the same type replaces its parent's.
  for (const m of own.reverse()) {
    for (const name of m.connect) if (!out.connect.includes(name)) out.connect.push(name);
    for (const name of m.close) if (!out.close.includes(name)) out.close.push(name);
    for (const h of m.messages) {
      const i = out.messages.findIndex((x) => x.type === h.type);
      if (i === -1) out.messages.push(h);
      else out.messages[i] = h;
    }
  }
  return out;
}

/**
 * Declares a WebSocket gateway served at `path` (the upgrade request's path). Gateways are resolved through
 * the app's DI container like controllers (`createApp({ gateways: [ChatGateway] })`); `@Guard` on the class
 * runs on the upgrade request, and a refusal answers with a problem+json response instead of upgrading.
 * @example @WebSocketGateway('/chat') @Guard(ApiKeyGuard) class ChatGateway { @OnMessage('say') say(msg: SayDto, client: WsClient) { ... } }
 */
export function WebSocketGateway(path: string, options: GatewayOptions = {}): ClassDecorator {
  if (typeof path !== 'string' || !path.startsWith('/')) {
    throw new RivetError('RIVET_GATEWAY_INVALID', `@WebSocketGateway(${JSON.stringify(path)}): the path must start with "/".\n  Fix: e.g. @WebSocketGateway('/ws').`);
  }
  const { heartbeat, maxPayload } = options;
  if (heartbeat !== undefined && heartbeat !== false && (!Number.isInteger(heartbeat) || heartbeat <= 0)) {
    throw new RivetError('RIVET_GATEWAY_INVALID', `@WebSocketGateway('${path}'): heartbeat is ${String(heartbeat)}.\n  Fix: give a whole number of milliseconds, e.g. 30000, or false for none.`);
  }
  if (maxPayload !== undefined && (!Number.isInteger(maxPayload) || maxPayload <= 0)) {
    throw new RivetError('RIVET_GATEWAY_INVALID', `@WebSocketGateway('${path}'): maxPayload is ${String(maxPayload)}.\n  Fix: give a whole number of bytes, e.g. 1048576.`);
  }
  return legacyDecorator<ClassDecorator>('@WebSocketGateway', (target) => {
    const meta = metaOf(target);
    meta.path = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
    meta.options = options;
  });
}

/** Runs when a client has connected (after the guards passed): `(client: WsClient)`. */
export function OnConnect(): MethodDecorator {
  return legacyDecorator<MethodDecorator>('@OnConnect', (proto, name) => { metaOf(proto.constructor).connect.push(name); });
}

/** Runs when a client has gone: `(client: WsClient, code: number, reason: string)`. */
export function OnClose(): MethodDecorator {
  return legacyDecorator<MethodDecorator>('@OnClose', (proto, name) => { metaOf(proto.constructor).close.push(name); });
}

/**
 * Handles incoming JSON messages: `(data, client: WsClient)`. With a `type`, it answers messages
 * `{ "type": type, "data": ... }` and gets `data`; without, it gets every other message whole. When the first
 * parameter is typed with a class-validator DTO, `data` is validated (an invalid message gets an error frame
 * and the connection stays open). A value returned is sent back (`{ type, data: value }` for a typed handler).
 */
export function OnMessage(type?: string): MethodDecorator {
  if (type !== undefined && (typeof type !== 'string' || type === '')) {
    throw new RivetError('RIVET_GATEWAY_INVALID', `@OnMessage(${JSON.stringify(type)}): the message type must be a non-empty string.\n  Fix: e.g. @OnMessage('chat'), or @OnMessage() for any message.`);
  }
  return legacyDecorator<MethodDecorator>('@OnMessage', (proto, name) => { metaOf(proto.constructor).messages.push({ type: type ?? null, method: name }); });
}
