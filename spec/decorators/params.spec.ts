import 'reflect-metadata';
import { Body, Cookie, Ctx, Header, Param, Query, Req, Res } from '../../lib/decorators/params';
import { peekMeta } from '../../lib/metadata/store';
import type { ParamMeta } from '../../lib/metadata/types';

const paramsOf = (ctor: Function, name: string): ParamMeta[] => [...(peekMeta(ctor)?.members.get(name)?.params ?? [])].sort((a, b) => a.index - b.index);

describe('parameter decorators', () => {
  it('records source, index and wire name when each decorator gets a name', () => {
    class C {
      run(@Param('id') a: string, @Query('q') b: string, @Body('name') c: string, @Header('X-Key') d: string, @Cookie('sid') e: string) { return [a, b, c, d, e]; }
    }
    expect(paramsOf(C, 'run')).toEqual([
      { index: 0, source: 'path', name: 'id', options: {} },
      { index: 1, source: 'query', name: 'q', options: {} },
      { index: 2, source: 'body', name: 'name', options: {} },
      { index: 3, source: 'header', name: 'X-Key', options: {} },
      { index: 4, source: 'cookie', name: 'sid', options: {} },
    ]);
  });

  it('records no name when @Body and @Query take the whole source', () => {
    class C { run(@Body() a: unknown, @Query() b: unknown) { return [a, b]; } }
    expect(paramsOf(C, 'run')).toEqual([
      { index: 0, source: 'body', name: undefined, options: {} },
      { index: 1, source: 'query', name: undefined, options: {} },
    ]);
  });

  it('records the same wire name when @Header gets a string or an alias', () => {
    class C { run(@Header('X-API-Key') a: string, @Header({ alias: 'X-API-Key' }) b: string) { return [a, b]; } }
    expect(paramsOf(C, 'run')).toEqual([
      { index: 0, source: 'header', name: 'X-API-Key', options: {} },
      { index: 1, source: 'header', name: 'X-API-Key', options: { alias: 'X-API-Key' } },
    ]);
  });

  it('records the cookie name from an alias when @Cookie gets options only', () => {
    class C { run(@Cookie({ alias: 'sid', required: true }) s: string) { return s; } }
    expect(paramsOf(C, 'run')).toEqual([{ index: 0, source: 'cookie', name: 'sid', options: { alias: 'sid', required: true } }]);
  });

  it('records the options when a name and options are both given', () => {
    class C { run(@Query('limit', { type: Number, minimum: 1, maximum: 100, default: 20 }) limit: number) { return limit; } }
    expect(paramsOf(C, 'run')).toEqual([{ index: 0, source: 'query', name: 'limit', options: { type: Number, minimum: 1, maximum: 100, default: 20 } }]);
  });

  it('records req, res and ctx sources without a name', () => {
    class C { run(@Req() a: unknown, @Res() b: unknown, @Ctx() c: unknown) { return [a, b, c]; } }
    expect(paramsOf(C, 'run')).toEqual([
      { index: 0, source: 'req', name: undefined, options: {} },
      { index: 1, source: 'res', name: undefined, options: {} },
      { index: 2, source: 'ctx', name: undefined, options: {} },
    ]);
  });

  it('ignores constructor parameters when they carry a parameter decorator', () => {
    class Service {}
    class C { constructor(@Query('x') readonly s: Service) {} }
    expect(peekMeta(C)).toBeUndefined();
  });

  it('records no route when a method has only parameter decorators', () => {
    class C { run(@Param('id') id: string) { return id; } }
    expect(peekMeta(C)?.members.get('run')?.routes).toEqual([]);
  });
});
