import { ServerResponse, STATUS_CODES, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { DependencyContainer } from 'tsyringe';
import type { WebSocket, WebSocketServer } from 'ws';
import { resolveAtBoot } from '../di/container';
import { HttpError, NotFoundError } from '../errors/http-error';
import { instanceOf, isUnexpected, toProblem, type ErrorPolicy, type Problem } from '../errors/problem';
import { RivetError } from '../errors/rivet-error';
import { effectiveClassGuards, effectiveClassValues } from '../metadata/inherit';
import type { GuardRef } from '../metadata/types';
import { RequestContext, type RouteInfo } from '../pipeline/context';
import { compileGuardChain, isThenable, type CanActivate, type GuardChain } from '../pipeline/guards';
import { compileDtoPipe, isDto, type DtoPipe } from '../pipeline/validate';
import { parseJson, type JsonLimits } from '../http/json';
import { WebSocketHub, WsClient } from './client';
import { gatewayMeta } from './gateway';

type Handler = (...args: unknown[]) => unknown;

interface CompiledMessage {
  readonly type: string | null;
  readonly method: Handler;
  readonly pipe: DtoPipe | null;
}

interface CompiledGateway {
  readonly path: string;
  readonly instance: object;
  readonly info: RouteInfo;
  readonly guards: GuardChain | null;
  readonly connect: Handler[];
  readonly close: Handler[];
  readonly typed: ReadonlyMap<string, CompiledMessage>;
  readonly any: CompiledMessage | null;
  readonly heartbeat: number;
  readonly wss: WebSocketServer;
  readonly clients: Set<WsClient>;
  timer: NodeJS.Timeout | null;
}

const SHUTDOWN_GRACE = 2000;

/** The gateways of one app: resolved and compiled at start-up, served on the node server's `upgrade` event. */
export class GatewayServer {
  readonly #gateways = new Map<string, CompiledGateway>();
  readonly #errors: ErrorPolicy;
  /** What a JSON message may hold (`limits.depth`, `limits.properties`). */
  readonly #json: JsonLimits;
  #closing = false;

  constructor(classes: readonly Function[], container: DependencyContainer, appGuards: readonly GuardRef[], hub: WebSocketHub, errors: ErrorPolicy, json: JsonLimits = { depth: 64, properties: 10_000 }) {
    this.#errors = errors;
    this.#json = json;
    const { WebSocketServer: Wss } = require('ws') as typeof import('ws');
    const guardOf = (g: GuardRef): CanActivate => (typeof g === 'function' ? resolveAtBoot(container, g as new () => CanActivate, 'Guard') : g as CanActivate);
    for (const ctor of classes) {
      const meta = gatewayMeta(ctor);
      if (meta === undefined || meta.path === undefined) {
        throw new RivetError('RIVET_GATEWAY_INVALID', `gateways: ${ctor.name} has no @WebSocketGateway(path).\n  Fix: decorate it, e.g. @WebSocketGateway('/ws'), or remove it from createApp({ gateways }).`);
      }
      if (this.#gateways.has(meta.path)) {
        throw new RivetError('RIVET_GATEWAY_INVALID', `gateways: ${ctor.name} and ${this.#gateways.get(meta.path)!.info.controller.name} both serve ${meta.path}.\n  Fix: give each gateway its own path.`);
      }
      if (!container.isRegistered(ctor as never, true)) container.registerSingleton(ctor as new () => object);
      const instance = resolveAtBoot(container, ctor as new () => object, 'Gateway');
      const proto = ctor.prototype as Record<string | symbol, Handler>;
      const guards = [...appGuards, ...effectiveClassGuards(ctor).filter((g) => !appGuards.includes(g))].map(guardOf);
      const messages = meta.messages.map((m): CompiledMessage => {
        const types = Reflect.getMetadata?.('design:paramtypes', ctor.prototype, m.method) as unknown[] | undefined;
        const dto = types?.[0];
        return { type: m.type, method: proto[m.method], pipe: isDto(dto) ? compileDtoPipe(dto, 'body') : null };
      });
      this.#gateways.set(meta.path, {
        path: meta.path,
        instance,
        info: { method: 'GET', path: meta.path, controller: ctor, handler: 'upgrade', where: `${ctor.name}#upgrade`, options: {}, metadata: effectiveClassValues(ctor) },
        guards: compileGuardChain(guards),
        connect: meta.connect.map((n) => proto[n]),
        close: meta.close.map((n) => proto[n]),
        typed: new Map(messages.filter((m) => m.type !== null).map((m) => [m.type!, m])),
        any: messages.find((m) => m.type === null) ?? null,
        heartbeat: meta.options.heartbeat === false ? 0 : meta.options.heartbeat ?? 30_000,
        wss: new Wss({ noServer: true, maxPayload: meta.options.maxPayload ?? 1024 * 1024 }),
        clients: new Set(),
        timer: null,
      });
    }
    this.hub = hub;
  }

  readonly hub: WebSocketHub;

  /** Serves upgrades on `server` and starts the heartbeats. */
  attach(server: Server): void {
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => this.#upgrade(req, socket, head));
    for (const gw of this.#gateways.values()) {
      if (gw.heartbeat > 0) {
        gw.timer = setInterval(() => beat(gw), gw.heartbeat);
        gw.timer.unref();
      }
    }
  }

  /** Closes every connection with 1001 (going away) and stops the heartbeats; resolves when all are closed (or after a grace period). */
  async close(): Promise<void> {
    this.#closing = true;
    const closed: Promise<void>[] = [];
    for (const gw of this.#gateways.values()) {
      if (gw.timer !== null) clearInterval(gw.timer);
      gw.timer = null;
      for (const client of gw.clients) {
        closed.push(new Promise((resolve) => {
          const ws = client.socket;
          if (ws.readyState === 3) return resolve();
          const force = setTimeout(() => ws.terminate(), SHUTDOWN_GRACE);
          ws.once('close', () => { clearTimeout(force); resolve(); });
          ws.close(1001, 'Server shutting down');
        }));
      }
    }
    await Promise.all(closed);
    for (const gw of this.#gateways.values()) gw.wss.close();
  }

  #upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', noop);
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    let path = q === -1 ? url : url.slice(0, q);
    if (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);
    const gw = this.#gateways.get(path);
    if (gw === undefined) return refuse(socket, toProblem(new NotFoundError(`No WebSocket gateway at ${path}.`), instanceOf(url), false));
    if (this.#closing) return refuse(socket, toProblem(new HttpError(503, 'The server is shutting down.'), instanceOf(url), false));
    const ctx = new RequestContext(req, new ServerResponse(req), gw.info, {}, q === -1 ? '' : url.slice(q + 1));
    const accept = (): void => {
      if (this.#closing || socket.destroyed) return void socket.destroy();
      gw.wss.handleUpgrade(req, socket, head, (ws) => this.#connected(gw, ws, req, ctx.state));
    };
    const deny = (err: unknown): void => refuse(socket, toProblem(err, instanceOf(url), this.#errors.debug), err instanceof HttpError ? err.headers : undefined);
    let verdict: void | Promise<void>;
    try {
      verdict = gw.guards === null ? undefined : gw.guards(ctx);
    } catch (err) {
      return deny(err);
    }
    if (verdict === undefined) accept();
    else verdict.then(accept, deny);
  }

  #connected(gw: CompiledGateway, ws: WebSocket, req: IncomingMessage, state: Record<string, unknown>): void {
    const client = new WsClient(ws, req, state, this.hub);
    gw.clients.add(client);
    this.hub.connected(client);
    ws.on('pong', () => { client.alive = true; });
    ws.on('error', noop);
    ws.on('message', (data, isBinary) => this.#message(gw, client, data as Buffer, isBinary));
    ws.once('close', (code, reason) => {
      gw.clients.delete(client);
      this.hub.disconnected(client);
      for (const h of gw.close) this.#run(client, () => h.call(gw.instance, client, code, reason.toString()));
    });
    for (const h of gw.connect) this.#run(client, () => h.call(gw.instance, client));
  }

  #message(gw: CompiledGateway, client: WsClient, data: Buffer, isBinary: boolean): void {
    if (isBinary) return client.send(errorFrame(toProblem(new HttpError(415, 'Send JSON text messages.'), gw.path, false)));
    let message: unknown;
    try {
      // As a JSON body: nesting past limits.depth, objects past limits.properties and forbidden keys are refused.
      message = parseJson(data.toString('utf8'), this.#json, 'message', 'The message is not valid JSON.');
      if (message === undefined) throw new HttpError(400, 'The message is not valid JSON.');   // blank text
    } catch (err) {
      return client.send(errorFrame(toProblem(err, gw.path, false)));
    }
    const type = message !== null && typeof message === 'object' && typeof (message as { type?: unknown }).type === 'string' ? (message as { type: string }).type : null;
    const typed = type === null ? undefined : gw.typed.get(type);
    const handler = typed ?? gw.any;
    if (handler === null) {
      return client.send(errorFrame(toProblem(new NotFoundError(type === null ? 'Messages need a "type".' : `No handler for message type "${type}".`), gw.path, false)));
    }
    const payload = typed === undefined ? message : (message as { data?: unknown }).data;
    // The common case stays synchronous and allocates no closure: no DTO pipe or a synchronous one, a synchronous handler.
    let result: unknown;
    try {
      const input = handler.pipe === null ? payload : handler.pipe(payload);
      if (isThenable(input)) {
        input.then((value) => handler.method.call(gw.instance, value, client)).then((r) => this.#reply(client, type, typed !== undefined, r), (err: unknown) => this.#fail(client, err));
        return;
      }
      result = handler.method.call(gw.instance, input, client);
    } catch (err) {
      return this.#fail(client, err);
    }
    if (isThenable(result)) result.then((r) => this.#reply(client, type, typed !== undefined, r), (err: unknown) => this.#fail(client, err));
    else this.#reply(client, type, typed !== undefined, result);
  }

  /** Sends a handler's result back: `{ type, data }` for a typed handler, as it is otherwise; nothing for `undefined`. */
  #reply(client: WsClient, type: string | null, typed: boolean, result: unknown): void {
    if (result !== undefined) client.send(typed ? { type, data: result } : result);
  }

  /** A handler's failure becomes an error frame (never a crash, never a closed connection); an unexpected one is reported. */
  #fail(client: WsClient, err: unknown): void {
    if (this.#errors.report !== null && isUnexpected(err) && toProblem(err, '', false).status >= 500) this.#errors.report(client.request, err);
    client.send(errorFrame(toProblem(err, instanceOf(client.request.url), this.#errors.debug)));
  }

  /** Runs a connect or close handler; a failure becomes an error frame (never a crash, never a closed connection). */
  #run(client: WsClient, fn: () => unknown): void {
    try {
      const r = fn();
      if (isThenable(r)) r.then(undefined, (err: unknown) => this.#fail(client, err));
    } catch (err) {
      this.#fail(client, err);
    }
  }
}

function beat(gw: CompiledGateway): void {
  for (const client of gw.clients) {
    // No pong since the last ping: the peer is gone without a close frame (a dead TCP path).
    if (!client.alive) {
      client.socket.terminate();
      continue;
    }
    client.alive = false;
    client.socket.ping();
  }
}

/** An error sent to a client as a frame: `{ type: 'error', error: <problem> }`. */
function errorFrame(problem: Problem): { type: 'error'; error: Problem } {
  return { type: 'error', error: problem };
}

/** Refuses an upgrade with a problem+json HTTP response written to the raw socket. */
function refuse(socket: Duplex, problem: Problem, headers?: Record<string, string>): void {
  if (!socket.writable) return void socket.destroy();
  const body = JSON.stringify(problem);
  let extra = '';
  if (headers !== undefined) for (const name in headers) extra += `${name}: ${headers[name]}\r\n`;
  socket.end(`HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status] ?? 'Error'}\r\nContent-Type: application/problem+json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${extra}Connection: close\r\n\r\n${body}`);
}

function noop(): void {}
