import 'reflect-metadata';
import { IsString } from 'class-validator';
import { ApiResponse, Controller, createApp, Get, HttpCode, SecurityScheme, type CanActivate, type GuardSecurity } from '../../lib';
import { securityOf } from '../../lib/openapi/decorators';

class Item { @IsString() name!: string; }
class Detailed extends Item { @IsString() detail!: string; }

const route = { method: 'GET', path: '/', metadata: new Map() };

describe('ApiResponse', () => {
  it('applies a class-level response to every route, and a method-level one wins for its status', () => {
    @Controller('/r')
    @ApiResponse(429, { description: 'Slow down' })
    @ApiResponse(503, { description: 'Down for maintenance' })
    class RController {
      @Get('/a') a() {}
      @Get('/b') @ApiResponse(503, { description: 'B is off' }) b() {}
    }
    const doc = createApp({ controllers: [RController], openapi: true }).openapi();
    expect(doc.paths['/r/a'].get!.responses['429']).toMatchObject({ description: 'Slow down' });
    expect(doc.paths['/r/a'].get!.responses['503']).toMatchObject({ description: 'Down for maintenance' });
    expect(doc.paths['/r/b'].get!.responses['503']).toMatchObject({ description: 'B is off' });
  });

  it('lets a subclass override one inherited status and keep the others', () => {
    class Base {
      @Get('/') @ApiResponse({ type: Item }) @ApiResponse(410, { description: 'Gone' }) one() {}
    }
    @Controller('/sub') class SubController extends Base {
      @ApiResponse({ type: Detailed }) override one() {}
    }
    const responses = createApp({ controllers: [SubController], openapi: true }).openapi().paths['/sub'].get!.responses as Record<string, any>;
    expect(responses['200'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Detailed' });
    expect(responses['410'].description).toBe('Gone');
  });

  it('documents the @HttpCode status as the success response when no status is given', () => {
    @Controller('/c') class CController { @Get('/') @HttpCode(202) @ApiResponse({ type: Item, description: 'Accepted for later' }) one() {} }
    const responses = createApp({ controllers: [CController], openapi: true }).openapi().paths['/c'].get!.responses;
    expect(Object.keys(responses)).toEqual(['202']);
    expect(responses['202']).toMatchObject({ description: 'Accepted for later' });
  });

  it('throws a RangeError for a status outside 100-599', () => {
    expect(() => ApiResponse(99)).toThrow(RangeError);
    expect(() => ApiResponse(600, {})).toThrow(RangeError);
  });
});

describe('securityOf', () => {
  @SecurityScheme('bearer', { type: 'http', scheme: 'bearer' })
  class Bearer implements CanActivate { canActivate() { return true; } }

  it('reads the scheme a guard class declares, also for a subclass and an instance', () => {
    class StrictBearer extends Bearer {}
    expect(securityOf(new Bearer(), route)).toEqual([{ name: 'bearer', scheme: { type: 'http', scheme: 'bearer' }, scopes: undefined }]);
    expect(securityOf(new StrictBearer(), route).map((s) => s.name)).toEqual(['bearer']);
  });

  it('prefers the securityScheme() method of a configured instance over the class decorator', () => {
    class Custom extends Bearer {
      securityScheme(): GuardSecurity { return { name: 'custom', scheme: { type: 'apiKey', in: 'query', name: 'key' } }; }
    }
    expect(securityOf(new Custom(), route).map((s) => s.name)).toEqual(['custom']);
  });

  it('returns null for a guard that declares nothing, or whose securityScheme() returns null', () => {
    expect(securityOf({ canActivate: () => true }, route)).toEqual([]);
    expect(securityOf({ canActivate: () => true, securityScheme: () => null }, route)).toEqual([]);
  });
});
