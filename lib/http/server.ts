import { createServer, STATUS_CODES, type Server, type ServerOptions } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Dispatch } from '../router/dispatch';
import { RivetError } from '../errors/rivet-error';

/** Where and how to listen. */
export interface ListenOptions {
  /** TCP port; 0 picks a free one. Default: `PORT` from the environment, else 3000. */
  port?: number;
  /** Interface to bind. Default `127.0.0.1`; use `0.0.0.0` (or `::`) to accept outside connections. */
  host?: string;
  /** Runs a node:cluster of this many worker processes sharing the port (`'auto'`: one per CPU); see lib/runtime/cluster.ts. */
  workers?: number | 'auto';
}

/** The bound address, as `listen()` resolves it. */
export interface BoundAddress {
  port: number;
  host: string;
  family: string;
  /** `http://host:port`, ready for a client. */
  url: string;
}

/**
 * The node:http server of an app. Requests node rejects before they reach Rivet (malformed request line,
 * headers too large) are answered with a problem+json body too: 400, or 431 for oversized headers.
 */
export function createHttpServer(dispatch: Dispatch, options: ServerOptions = {}): Server {
  const server = createServer(options, dispatch);
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    if (!socket.writable || (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent === true) {
      socket.destroy();
      return;
    }
    if (err.code === 'ECONNRESET') {
      socket.destroy();
      return;
    }
    const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
    const title = STATUS_CODES[status] ?? 'Bad Request';
    const detail = status === 431 ? 'The request headers are too large.' : status === 408 ? 'The request was not received in time.' : 'The request could not be parsed as HTTP/1.1.';
    const body = JSON.stringify({ type: 'about:blank', title, status, detail, instance: '/' });
    socket.end(`HTTP/1.1 ${status} ${title}\r\nContent-Type: application/problem+json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  });
  return server;
}

/** Starts listening; resolves with the bound address (port 0 resolves with the port the OS chose). */
export function listen(server: Server, options: ListenOptions = {}): Promise<BoundAddress> {
  const port = options.port ?? (process.env.PORT !== undefined && process.env.PORT !== '' ? Number(process.env.PORT) : 3000);
  const host = options.host ?? '127.0.0.1';
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(listenError(err, port, host));
    server.once('error', onError);
    server.listen({ port, host }, () => {
      server.off('error', onError);
      const a = server.address() as AddressInfo;
      const shown = a.family === 'IPv6' ? `[${a.address}]` : a.address;
      const url = `http://${shown}:${a.port}`;
      // `rivet dev` (lib/cli/dev.ts) measures a reload until the new code serves: it runs the app with an IPC channel.
      if (process.env.RIVET_DEV_IPC === '1' && typeof process.send === 'function') process.send({ rivet: 'listening', url });
      resolve({ port: a.port, host: a.address, family: a.family, url });
    });
  });
}

/** A port already taken becomes one line naming the port and the ways to choose another; other errors pass as they are. */
function listenError(err: Error, port: number, host: string): Error {
  if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') return err;
  const next = port === 0 ? 3001 : port + 1;
  return new RivetError('RIVET_LISTEN_PORT_IN_USE', `Port ${port} on ${host} is already in use (another process, perhaps another copy of this app, listens there). Stop it, or choose another port: PORT=${next} in the environment or in .env, or rivet dev --port ${next}.`, { cause: err });
}

/**
 * Stops accepting connections, lets in-flight requests finish and closes keep-alive sockets as soon as they
 * are idle (not only those idle when close began); resolves when the server is closed.
 */
export function close(server: Server): Promise<void> {
  if (!server.listening) return Promise.resolve();
  return new Promise((resolve, reject) => {
    // A socket whose response finishes during the drain turns idle later; sweep until the server is closed.
    const sweep = setInterval(() => server.closeIdleConnections(), 25);
    sweep.unref();
    server.close((err) => {
      clearInterval(sweep);
      if (err === undefined) resolve();
      else reject(err);
    });
    server.closeIdleConnections();
  });
}
