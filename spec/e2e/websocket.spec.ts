import { IsInt, IsString, Length, Min } from 'class-validator';
import { injectable } from 'tsyringe';
import WebSocket from 'ws';
import {
  createApp, Controller, Get, Guard, OnClose, OnConnect, OnMessage, UnauthorizedError, WebSocketGateway, WebSocketHub, WsClient,
  type CanActivate, type RequestContext,
} from '../../lib';
import { rawRequest, serve } from '../helpers/http';
import { connectJson } from '../helpers/ws';

class Say {
  @IsString() @Length(1, 20) text!: string;
}

class Join {
  @IsString() room!: string;
}

class Add {
  @IsInt() @Min(0) a!: number;
  @IsInt() @Min(0) b!: number;
}

class TokenGuard implements CanActivate {
  canActivate(ctx: RequestContext) {
    const token = ctx.query.token;
    if (token === undefined) throw new UnauthorizedError('A token is required.', { headers: { 'www-authenticate': 'Bearer' } });
    if (token !== 'secret') return false;
    ctx.state.user = { name: 'ada' };
    return true;
  }
}

@injectable()
class Greeter {
  greet(name: string) { return `hello ${name}`; }
}

const events: string[] = [];

@WebSocketGateway('/chat', { heartbeat: 50 })
@Guard(TokenGuard)
@injectable()
class ChatGateway {
  constructor(private readonly greeter: Greeter, private readonly hub: WebSocketHub) {}

  @OnConnect()
  connect(client: WsClient) {
    events.push(`connect ${(client.state.user as { name: string }).name}`);
    client.send({ type: 'welcome', data: this.greeter.greet((client.state.user as { name: string }).name) });
  }

  @OnMessage('say')
  say(msg: Say) { return { echo: msg.text }; }

  @OnMessage('add')
  async add(msg: Add) { return msg.a + msg.b; }

  @OnMessage('join')
  join(msg: Join, client: WsClient) {
    client.join(msg.room);
    return { joined: msg.room };
  }

  @OnMessage('shout')
  shout(msg: Say & { room: string }, client: WsClient) {
    this.hub.broadcast({ type: 'shout', data: msg.text }, { room: msg.room, except: client });
  }

  @OnMessage('boom')
  boom() { throw new Error('internal detail'); }

  @OnClose()
  closed(_client: WsClient, code: number) { events.push(`close ${code}`); }
}

@Controller('/http')
class Plain {
  @Get('/')
  ok() { return { ok: true }; }
}

const connect = connectJson;

/** The refused upgrade's status line, headers and body. */
function refusal(url: string): Promise<{ status: number; body: unknown; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.on('unexpected-response', (_req, res) => {
      let text = '';
      res.on('data', (c: Buffer) => { text += c.toString(); });
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: JSON.parse(text) }));
    });
    ws.on('open', () => reject(new Error('upgrade accepted')));
    ws.on('error', () => undefined);
  });
}

describe('WebSocket gateways', () => {
  const app = createApp({ controllers: [Plain], gateways: [ChatGateway] });
  let wsBase: string;
  let client: Awaited<ReturnType<typeof serve>>;
  beforeAll(async () => {
    client = await serve(app);
    wsBase = client.url.replace('http', 'ws');
  });
  afterAll(() => client.close());

  it('refuses the upgrade with a 401 problem when the guard wants credentials', async () => {
    const res = await refusal(`${wsBase}/chat`);
    expect(res.status).toBe(401);
    expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(res.headers['www-authenticate']).toBe('Bearer');
    expect(res.body).toEqual({ type: 'about:blank', title: 'Unauthorized', status: 401, detail: 'A token is required.', instance: '/chat' });
  });

  it('refuses the upgrade with 403 when the guard says no', async () => {
    const res = await refusal(`${wsBase}/chat?token=wrong`);
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ status: 403, title: 'Forbidden', instance: '/chat' });
  });

  it('answers 404 to an upgrade on a path without a gateway', async () => {
    const res = await refusal(`${wsBase}/nowhere`);
    expect(res).toMatchObject({ status: 404, body: { status: 404, detail: 'No WebSocket gateway at /nowhere.' } });
  });

  it('connects with credentials, runs @OnConnect with the guard state and injected services, and echoes validated messages', async () => {
    const c = await connect(`${wsBase}/chat?token=secret`);
    expect(await c.next()).toEqual({ type: 'welcome', data: 'hello ada' });
    c.ws.send(JSON.stringify({ type: 'say', data: { text: 'hi' } }));
    expect(await c.next()).toEqual({ type: 'say', data: { echo: 'hi' } });
    c.ws.send(JSON.stringify({ type: 'add', data: { a: 2, b: 3 } }));
    expect(await c.next()).toEqual({ type: 'add', data: 5 });
    c.ws.close();
    await c.closed;
  });

  it('answers an invalid message with an error frame and keeps the connection', async () => {
    const c = await connect(`${wsBase}/chat?token=secret`);
    await c.next();
    c.ws.send(JSON.stringify({ type: 'say', data: { text: '' } }));
    expect(await c.next()).toEqual({
      type: 'error',
      error: expect.objectContaining({ status: 422, errors: [expect.objectContaining({ loc: ['body', 'text'], type: 'isLength' })] }),
    });
    c.ws.send('not json');
    expect(await c.next()).toMatchObject({ type: 'error', error: { status: 400, detail: 'The message is not valid JSON.' } });
    c.ws.send(JSON.stringify({ type: 'nope' }));
    expect(await c.next()).toMatchObject({ type: 'error', error: { status: 404, detail: 'No handler for message type "nope".' } });
    c.ws.send(JSON.stringify({ type: 'boom' }));
    expect(await c.next()).toEqual({ type: 'error', error: { type: 'about:blank', title: 'Internal Server Error', status: 500, instance: '/chat' } });
    c.ws.send(JSON.stringify({ type: 'say', data: { text: 'still here' } }));
    expect(await c.next()).toEqual({ type: 'say', data: { echo: 'still here' } });
    c.ws.close();
    await c.closed;
  });

  it('broadcasts to the other clients of a room', async () => {
    const [a, b, outsider] = await Promise.all([1, 2, 3].map(() => connect(`${wsBase}/chat?token=secret`)));
    await Promise.all([a.next(), b.next(), outsider.next()]);
    a.ws.send(JSON.stringify({ type: 'join', data: { room: 'lobby' } }));
    b.ws.send(JSON.stringify({ type: 'join', data: { room: 'lobby' } }));
    expect(await a.next()).toEqual({ type: 'join', data: { joined: 'lobby' } });
    expect(await b.next()).toEqual({ type: 'join', data: { joined: 'lobby' } });
    a.ws.send(JSON.stringify({ type: 'shout', data: { text: 'hey', room: 'lobby' } }));
    expect(await b.next()).toEqual({ type: 'shout', data: 'hey' });
    // The outsider got nothing: its next message is the answer to its own request.
    outsider.ws.send(JSON.stringify({ type: 'add', data: { a: 1, b: 1 } }));
    expect(await outsider.next()).toEqual({ type: 'add', data: 2 });
    for (const c of [a, b, outsider]) c.ws.close();
    await Promise.all([a.closed, b.closed, outsider.closed]);
  });

  it('terminates a peer that stops answering pings', async () => {
    const c = await connect(`${wsBase}/chat?token=secret`);
    await c.next();
    // A peer whose TCP path died: it neither answers pings nor sends a close frame.
    (c.ws as unknown as { _receiver: { removeAllListeners(e: string): void } })._receiver.removeAllListeners('ping');
    const closed = await c.closed;
    expect(closed.code).toBe(1006);
  });

  it('still serves plain HTTP routes', async () => {
    await client.get('/http').expect(200).expectJson({ ok: true });
  });
});

describe('WebSocket gateways on shutdown', () => {
  it('closes every connection with 1001 when the app closes', async () => {
    events.length = 0;
    const app = createApp({ controllers: [Plain], gateways: [ChatGateway] });
    const bound = await app.listen({ port: 0 });
    const c = await connect(`${bound.url.replace('http', 'ws')}/chat?token=secret`);
    await c.next();
    await app.close();
    expect(await c.closed).toEqual({ code: 1001, reason: 'Server shutting down' });
    expect(events).toEqual(['connect ada', 'close 1001']);
  });

  it('rejects a class without @WebSocketGateway at createApp', () => {
    class NotAGateway {}
    expect(() => createApp({ controllers: [], gateways: [NotAGateway] })).toThrow(expect.objectContaining({ code: 'RIVET_GATEWAY_INVALID' }));
  });

  it('rejects a gateways option that is not a list of classes at createApp', () => {
    expect(() => createApp({ controllers: [], gateways: [undefined as unknown as Function] })).toThrow(expect.objectContaining({ code: 'RIVET_OPTIONS_INVALID' }));
  });

  it('keeps raw sockets safe: garbage on an upgrade path gets an HTTP answer, no crash', async () => {
    const app = createApp({ controllers: [Plain], gateways: [ChatGateway] });
    const bound = await app.listen({ port: 0 });
    const answer = await rawRequest(bound.url, 'GET /chat HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n', 1000);
    expect(answer).toMatch(/^HTTP\/1.1 401 Unauthorized/);
    await app.close();
  });
});
