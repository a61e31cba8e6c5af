import { request, type ClientRequest } from 'node:http';

/** One parsed Server-Sent Event. */
export interface ParsedEvent { id?: string; event?: string; data: string }

/** An open event stream: its events so far, the comments, and waits on them. */
export interface SseClient {
  readonly status: number;
  readonly events: ParsedEvent[];
  readonly comments: string[];
  /** Resolves once `count` events arrived (rejects after `ms`). */
  waitForEvents(count: number, ms?: number): Promise<ParsedEvent[]>;
  /** Resolves once a comment `text` arrived. */
  waitForComment(text: string, ms?: number): Promise<void>;
  close(): void;
}

/** Opens `url` as an event stream; resolves with the head, then parses events as they come. */
export function openSse(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
  return new Promise((resolve, reject) => {
    let req: ClientRequest;
    const waiters = new Set<() => void>();
    const events: ParsedEvent[] = [];
    const comments: string[] = [];
    const wake = (): void => { for (const w of [...waiters]) w(); };
    const until = (done: () => boolean, ms: number, what: string): Promise<void> => new Promise((ok, fail) => {
      if (done()) return ok();
      const timer = setTimeout(() => { waiters.delete(check); fail(new Error(`${what} within ${ms} ms; got ${JSON.stringify(events)}`)); }, ms);
      const check = (): void => { if (done()) { clearTimeout(timer); waiters.delete(check); ok(); } };
      waiters.add(check);
    });
    req = request(url, { headers: { accept: 'text/event-stream', ...headers } }, (res) => {
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) !== -1) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event: ParsedEvent = { data: '' };
          const data: string[] = [];
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) comments.push(line.slice(1).trim());
            else if (line.startsWith('id: ')) event.id = line.slice(4);
            else if (line.startsWith('event: ')) event.event = line.slice(7);
            else if (line.startsWith('data: ')) data.push(line.slice(6));
          }
          if (data.length > 0 || event.id !== undefined) {
            event.data = data.join('\n');
            events.push(event);
          }
        }
        wake();
      });
      res.on('error', () => undefined);
      resolve({
        status: res.statusCode ?? 0,
        events,
        comments,
        waitForEvents: async (count, ms = 5000) => { await until(() => events.length >= count, ms, `${count} events`); return events.slice(0, count); },
        waitForComment: (text, ms = 5000) => until(() => comments.includes(text), ms, `the comment "${text}"`),
        close: () => req.destroy(),
      });
    });
    req.on('error', reject);
    req.end();
  });
}
