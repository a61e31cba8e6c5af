import { connect } from 'node:net';
import type { App } from '../../lib';
import { TestClient } from '../../lib/testing';

/** Starts `app` on a free loopback port and returns a TestClient that closes both. */
export function serve(app: App): Promise<TestClient> {
  return TestClient.start(app);
}

/** Sends raw bytes to a listening server and resolves with everything it answers before closing. */
export function rawRequest(url: string, payload: string | Buffer, timeoutMs = 3000): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) });
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => { socket.destroy(); resolve(Buffer.concat(chunks).toString('utf8')); }, timeoutMs);
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', (err) => { clearTimeout(timer); reject(err); });
    socket.on('close', () => { clearTimeout(timer); resolve(Buffer.concat(chunks).toString('utf8')); });
    socket.write(payload);
  });
}

/** The problem+json content type every error answer carries. */
export const PROBLEM = /^application\/problem\+json; charset=utf-8$/;
