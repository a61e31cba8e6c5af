import WebSocket from 'ws';

/** A WebSocket client whose messages (JSON) are read one at a time, in order. */
export interface JsonSocket {
  ws: WebSocket;
  /** The next message, parsed: one already received, else the next to arrive. */
  next: () => Promise<unknown>;
  closed: Promise<{ code: number; reason: string }>;
}

/** Connects and collects messages; resolves once open. */
export function connectJson(url: string): Promise<JsonSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    const queue: unknown[] = [];
    const waiting: ((m: unknown) => void)[] = [];
    ws.on('message', (data) => {
      const m = JSON.parse(data.toString()) as unknown;
      const w = waiting.shift();
      if (w !== undefined) w(m);
      else queue.push(m);
    });
    const closed = new Promise<{ code: number; reason: string }>((r) => ws.on('close', (code, reason) => r({ code, reason: reason.toString() })));
    ws.on('open', () => resolve({ ws, closed, next: () => (queue.length > 0 ? Promise.resolve(queue.shift()) : new Promise((r) => waiting.push(r))) }));
    ws.on('error', reject);
  });
}
