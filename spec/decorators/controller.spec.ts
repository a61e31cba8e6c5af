import { Controller } from '../../lib/decorators/controller';
import { peekMeta } from '../../lib/metadata/store';

describe('Controller', () => {
  it('records the prefix and options when it decorates a class', () => {
    @Controller('/users', { tags: ['users'], scope: 'request' })
    class Users {}
    expect(peekMeta(Users)?.controller).toEqual({ prefix: '/users', options: { tags: ['users'], scope: 'request' } });
  });

  it('records the root prefix and empty options when called without arguments', () => {
    @Controller()
    class Root {}
    expect(peekMeta(Root)?.controller).toEqual({ prefix: '/', options: {} });
  });

  it('returns the class unchanged when it decorates it', () => {
    class Plain { static marker = 1; }
    expect(Controller('/p')(Plain)).toBeUndefined();
    expect(Plain.marker).toBe(1);
  });

  it('records nothing on the parent when it decorates a subclass', () => {
    @Controller('/base')
    class Base {}
    @Controller('/sub')
    class Sub extends Base {}
    expect(peekMeta(Base)?.controller?.prefix).toBe('/base');
    expect(peekMeta(Sub)?.controller?.prefix).toBe('/sub');
  });
});
