import { gatewayMeta, OnClose, OnConnect, OnMessage, WebSocketGateway } from '../../lib/realtime/gateway';

describe('gateway decorators', () => {
  it('records the path, options and handlers, the subclass winning per message type', () => {
    @WebSocketGateway('/base/', { heartbeat: 1000 })
    class Base {
      @OnConnect() hello() {}
      @OnMessage('ping') ping() {}
      @OnMessage() any() {}
    }
    class Child extends Base {
      @OnMessage('ping') override ping() {}
      @OnClose() bye() {}
    }
    const meta = gatewayMeta(Child)!;
    expect(meta.path).toBe('/base');
    expect(meta.options).toEqual({ heartbeat: 1000 });
    expect(meta.connect).toEqual(['hello']);
    expect(meta.close).toEqual(['bye']);
    expect(meta.messages).toEqual([{ type: 'ping', method: 'ping' }, { type: null, method: 'any' }]);
  });

  it('has no metadata for an undecorated class', () => {
    expect(gatewayMeta(class Plain {})).toBeUndefined();
  });

  it.each([
    ['a path without a leading slash', () => WebSocketGateway('ws')],
    ['a heartbeat that is not whole milliseconds', () => WebSocketGateway('/ws', { heartbeat: 1.5 })],
    ['a maxPayload of 0', () => WebSocketGateway('/ws', { maxPayload: 0 })],
    ['an empty message type', () => OnMessage('')],
  ])('throws RIVET_GATEWAY_INVALID for %s', (_label, make) => {
    expect(make).toThrow(expect.objectContaining({ code: 'RIVET_GATEWAY_INVALID' }));
  });
});
