import { isDto } from '../pipeline/validate';
import type { JsonSchema } from '../openapi/schema';
import { SchemaRegistry } from '../openapi/schema';
import { PROBLEM_SCHEMAS } from '../openapi/responses';
import { gatewayMeta } from '../realtime/gateway';

/** An AsyncAPI 3.0 document (plain JSON). */
export interface AsyncApiDocument {
  asyncapi: '3.0.0';
  info: { title: string; version: string; description?: string };
  defaultContentType: string;
  channels: Record<string, unknown>;
  operations: Record<string, unknown>;
  components: { schemas?: Record<string, JsonSchema>; messages?: Record<string, unknown> };
}

/** An `@Sse` route, as the AsyncAPI document describes it. */
export interface SseRouteInfo {
  readonly path: string;
  readonly controller: string;
  readonly handler: string;
  readonly summary?: string;
  readonly description?: string;
}

/** What the document is built from: the app's gateways and SSE routes, read at start-up. */
export interface AsyncApiSource {
  readonly title: string;
  readonly version: string;
  readonly description?: string;
  readonly gateways: readonly Function[];
  readonly sse: readonly SseRouteInfo[];
}

// AsyncAPI component and channel keys: ^[A-Za-z0-9.\-_]+$.
const key = (text: string): string => text.replace(/[^A-Za-z0-9.\-_]+/g, '_').replace(/^_+|_+$/g, '') || 'root';

/**
 * The AsyncAPI 3.0 document of an app's WebSocket gateways and SSE routes, from the same decorators and DTOs that build
 * its OpenAPI document: each gateway is a channel at its path, whose `@OnMessage` types are messages the app receives
 * (`{ type, data }`, `data` the DTO's schema) and whose error frames are messages it sends; each `@Sse` route is a
 * channel of Server-Sent Events the app sends.
 */
export function buildAsyncApiDocument(source: AsyncApiSource): AsyncApiDocument {
  const registry = new SchemaRegistry();
  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  const messages: Record<string, unknown> = {};
  let problems = false;
  const unique = (taken: Record<string, unknown>, base: string): string => {
    let name = base;
    for (let i = 2; name in taken; i++) name = `${base}${i}`;
    return name;
  };

  for (const ctor of source.gateways) {
    const meta = gatewayMeta(ctor);
    if (meta === undefined || meta.path === undefined) continue;
    const channelId = unique(channels, key(ctor.name));
    const channelMessages: Record<string, unknown> = {};
    for (const m of meta.messages) {
      const dto = (Reflect.getMetadata?.('design:paramtypes', ctor.prototype, m.method) as unknown[] | undefined)?.[0];
      const data: JsonSchema = isDto(dto) ? registry.refFor(dto) : {};
      const messageId = unique(messages, key(`${ctor.name}.${m.type ?? 'any'}`));
      messages[messageId] = m.type === null
        ? { name: 'any', title: `Any message (${ctor.name}#${String(m.method)})`, summary: 'A JSON message without a more specific handler', payload: {} }
        : {
          name: m.type,
          title: `${m.type} (${ctor.name}#${String(m.method)})`,
          payload: { type: 'object', properties: { type: { type: 'string', const: m.type }, data }, required: ['type'] },
        };
      const local = key(m.type ?? 'any');
      channelMessages[local] = { $ref: `#/components/messages/${messageId}` };
      operations[unique(operations, key(`${ctor.name}.receive.${m.type ?? 'any'}`))] = {
        action: 'receive',
        channel: { $ref: `#/channels/${channelId}` },
        summary: `${ctor.name}#${String(m.method)}`,
        messages: [{ $ref: `#/channels/${channelId}/messages/${local}` }],
      };
    }
    problems = true;
    channelMessages.error = { $ref: '#/components/messages/ErrorFrame' };
    operations[unique(operations, key(`${ctor.name}.send.error`))] = {
      action: 'send',
      channel: { $ref: `#/channels/${channelId}` },
      summary: 'An error frame: an invalid or unhandled message, or a handler that failed (the connection stays open)',
      messages: [{ $ref: `#/channels/${channelId}/messages/error` }],
    };
    channels[channelId] = {
      address: meta.path,
      title: `${ctor.name} (WebSocket)`,
      messages: channelMessages,
      bindings: { ws: { method: 'GET', bindingVersion: '0.1.0' } },
    };
  }

  for (const route of source.sse) {
    const channelId = unique(channels, key(`${route.controller}.${route.handler}`));
    const params = [...route.path.matchAll(/:([A-Za-z_$][\w$]*)/g)].map((m) => m[1]);
    const messageId = unique(messages, key(`${route.controller}.${route.handler}.event`));
    messages[messageId] = {
      name: 'event',
      title: `Server-Sent Event (${route.controller}#${route.handler})`,
      contentType: 'text/event-stream',
      summary: 'One event: `event:`, `id:` (sent back as Last-Event-ID on reconnect) and `data:` lines',
      payload: { type: 'string' },
    };
    channels[channelId] = {
      address: route.path.replace(/:([A-Za-z_$][\w$]*)/g, '{$1}').replace(/\*$/, '{wildcard}'),
      title: `${route.controller}#${route.handler} (Server-Sent Events)`,
      ...(route.summary === undefined ? {} : { summary: route.summary }),
      ...(route.description === undefined ? {} : { description: route.description }),
      messages: { event: { $ref: `#/components/messages/${messageId}` } },
      ...(params.length === 0 && !route.path.endsWith('*') ? {} : { parameters: Object.fromEntries([...params, ...(route.path.endsWith('*') ? ['wildcard'] : [])].map((p) => [p, {}])) }),
      bindings: { http: { method: 'GET', bindingVersion: '0.3.0' } },
    };
    operations[unique(operations, key(`${route.controller}.${route.handler}.send`))] = {
      action: 'send',
      channel: { $ref: `#/channels/${channelId}` },
      summary: route.summary ?? `GET ${route.path} (text/event-stream)`,
      messages: [{ $ref: `#/channels/${channelId}/messages/event` }],
    };
  }

  if (problems) {
    registry.components.Problem = PROBLEM_SCHEMAS.Problem;
    messages.ErrorFrame = {
      name: 'error',
      title: 'Error frame',
      payload: { type: 'object', properties: { type: { type: 'string', const: 'error' }, error: { $ref: '#/components/schemas/Problem' } }, required: ['type', 'error'] },
    };
  }
  const components: AsyncApiDocument['components'] = {};
  if (Object.keys(registry.components).length > 0) components.schemas = registry.components;
  if (Object.keys(messages).length > 0) components.messages = messages;
  // A JSON round trip detaches the document from the schemas and options it was built from.
  return JSON.parse(JSON.stringify({
    asyncapi: '3.0.0',
    info: { title: source.title, version: source.version, ...(source.description === undefined ? {} : { description: source.description }) },
    defaultContentType: 'application/json',
    channels,
    operations,
    components,
  })) as AsyncApiDocument;
}
