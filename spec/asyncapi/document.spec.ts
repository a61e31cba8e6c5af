import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IsString, Length } from 'class-validator';
import { Channels, Controller, createApp, EventStream, OnMessage, Param, Sse, WebSocketGateway, type WsClient } from '../../lib';
import { runAsyncApiCommand } from '../../lib/cli/asyncapi';
import { buildApp } from '../../sample-app/src/app';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Parser } = require('@asyncapi/parser') as typeof import('@asyncapi/parser');

class SayDto {
  @IsString() @Length(1, 200) text!: string;
  @IsString() room!: string;
}

@WebSocketGateway('/chat')
class ChatGateway {
  @OnMessage('say') say(msg: SayDto, client: WsClient) { return { echoed: msg.text, id: client.id }; }
  @OnMessage() any(msg: unknown) { return msg; }
}

@Controller('/rooms')
class RoomsController {
  constructor(private readonly channels: Channels) {}
  @Sse('/:room/live', { summary: 'Messages of one room as they are said' })
  live(@Param('room') room: string): EventStream { return this.channels.stream(`room:${room}`); }
}

const build = () => createApp({ controllers: [RoomsController], gateways: [ChatGateway], openapi: { title: 'Chat', version: '2.1.0' }, logger: false });

describe('AsyncAPI 3.0 document', () => {
  it('is served beside /openapi.json and passes @asyncapi/parser with no errors', async () => {
    const app = build();
    try {
      const res = await app.inject('/asyncapi.json');
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      const doc = JSON.parse(res.body) as Record<string, any>;
      const { diagnostics, document } = await new Parser().parse(res.body);
      // Severity 0 is an error in Spectral's scale; warnings and hints are allowed.
      expect(diagnostics.filter((d) => d.severity === 0)).toEqual([]);
      expect(document).toBeDefined();
      expect(doc.asyncapi).toBe('3.0.0');
      expect(doc.info).toEqual({ title: 'Chat', version: '2.1.0' });
      expect(doc.channels.ChatGateway).toMatchObject({ address: '/chat', bindings: { ws: { method: 'GET' } } });
      expect(Object.keys(doc.channels.ChatGateway.messages)).toEqual(['say', 'any', 'error']);
      expect(doc.components.messages['ChatGateway.say'].payload).toEqual({
        type: 'object', properties: { type: { type: 'string', const: 'say' }, data: { $ref: '#/components/schemas/SayDto' } }, required: ['type'],
      });
      // The DTO's schema is the one the OpenAPI document would build, from the same class-validator rules.
      expect(doc.components.schemas.SayDto).toEqual({
        type: 'object',
        properties: { text: { type: 'string', minLength: 1, maxLength: 200 }, room: { type: 'string' } },
        required: ['text', 'room'],
      });
      expect(doc.operations['ChatGateway.receive.say']).toEqual({
        action: 'receive', channel: { $ref: '#/channels/ChatGateway' }, summary: 'ChatGateway#say', messages: [{ $ref: '#/channels/ChatGateway/messages/say' }],
      });
      expect(doc.operations['ChatGateway.send.error']).toMatchObject({ action: 'send', messages: [{ $ref: '#/channels/ChatGateway/messages/error' }] });
      expect(doc.channels['RoomsController.live']).toMatchObject({
        address: '/rooms/{room}/live', summary: 'Messages of one room as they are said', parameters: { room: {} },
      });
      expect(doc.operations['RoomsController.live.send']).toMatchObject({ action: 'send', channel: { $ref: '#/channels/RoomsController.live' } });
      expect(document!.channels().all().map((c) => c.address())).toEqual(['/chat', '/rooms/{room}/live']);
      expect(document!.operations().all().map((o) => o.action())).toEqual(['receive', 'receive', 'send', 'send']);
      // Not in the OpenAPI document, and served with HEAD too.
      expect(Object.keys(app.openapi().paths ?? {})).toEqual(['/rooms/{room}/live']);
      const head = await app.inject({ method: 'HEAD', url: '/asyncapi.json' });
      expect(head.status).toBe(200);
      expect(head.body).toBe('');
    } finally {
      await app.close();
    }
  });

  it('documents the sample app\'s live review feed, and passes the parser', async () => {
    const app = await buildApp({ database: ':memory:' });
    try {
      const res = await app.inject('/asyncapi.json');
      expect(res.status).toBe(200);
      const { diagnostics } = await new Parser().parse(res.body);
      expect(diagnostics.filter((d) => d.severity === 0)).toEqual([]);
      const doc = JSON.parse(res.body) as { info: unknown; channels: Record<string, { address: string }> };
      expect(doc.info).toMatchObject({ title: 'Bookshelf', version: '1.0.0' });
      expect(Object.values(doc.channels).map((c) => c.address)).toEqual(['/reviews/live']);
    } finally {
      await app.close();
    }
  });

  it('is not served without openapi, and `rivet asyncapi` writes the same document', async () => {
    const bare = createApp({ controllers: [RoomsController], gateways: [ChatGateway], logger: false });
    expect((await bare.inject('/asyncapi.json')).status).toBe(404);
    await bare.close();
    const dir = mkdtempSync(join(tmpdir(), 'rivet-asyncapi-'));
    try {
      const text = await runAsyncApiCommand({ app: __filename.replace(/document\.spec\.ts$/, 'fixtures/chat-app.ts'), out: join(dir, 'asyncapi.json') });
      expect(readFileSync(join(dir, 'asyncapi.json'), 'utf8')).toBe(text);
      const { diagnostics } = await new Parser().parse(text);
      expect(diagnostics.filter((d) => d.severity === 0)).toEqual([]);
      expect(JSON.parse(text)).toMatchObject({ asyncapi: '3.0.0', info: { title: 'Chat fixture', version: '0.0.1' }, channels: { EchoGateway: { address: '/echo' } } });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
