import { IsInt, IsString } from 'class-validator';
import { Body, Controller, createApp, Get, Post, Query, type RivetError } from '../../lib';

interface Person { name: string; age: number }
type Filter = { q?: string };

class PersonDto {
  @IsString() name!: string;
  @IsInt() age!: number;
}

function startupError(controller: Function): RivetError {
  try {
    createApp({ controllers: [controller] });
  } catch (err) {
    return err as RivetError;
  }
  throw new Error('createApp did not throw');
}

// regression: issue 19 (`@Body() body: SomeInterface` let { name: 5, age: 'x' } and an empty body through)
describe('@Body() and @Query() typed with no class', () => {
  it('fail at start-up naming Controller#method and both fixes when @Body() is typed with an interface', () => {
    @Controller('/people')
    class People { @Post('/') create(@Body() person: Person) { return person; } }
    const err = startupError(People);
    expect(err.code).toBe('RIVET_PARAM_TYPE_UNCHECKED');
    expect(err.message).toBe(
      '[RIVET_PARAM_TYPE_UNCHECKED] People#create parameter 0 (@Body()) is typed with an interface, a type alias, Object, any or unknown. '
      + 'TypeScript leaves no class of those at run time (its design type is Object), so Rivet cannot validate the body: any input would reach the handler.\n'
      + '  Fix: type it with a DTO class whose properties carry class-validator decorators (e.g. class CreateUserDto { @IsString() name!: string }), '
      + 'or write @Body({ validate: false }) to take the raw body knowingly.',
    );
  });

  it('fail at start-up when @Body() is typed any or Object, and when @Query() is typed with a type alias', () => {
    @Controller('/a') class AnyBody { @Post('/') create(@Body() body: any) { return body; } }   // eslint-disable-line @typescript-eslint/no-explicit-any
    @Controller('/b') class ObjectBody { @Post('/') create(@Body() body: object) { return body; } }
    @Controller('/c') class AliasQuery { @Get('/') list(@Query() filter: Filter) { return filter; } }
    expect(startupError(AnyBody)).toMatchObject({ code: 'RIVET_PARAM_TYPE_UNCHECKED', message: expect.stringContaining('AnyBody#create parameter 0 (@Body())') });
    expect(startupError(ObjectBody)).toMatchObject({ code: 'RIVET_PARAM_TYPE_UNCHECKED', message: expect.stringContaining('ObjectBody#create') });
    expect(startupError(AliasQuery)).toMatchObject({ code: 'RIVET_PARAM_TYPE_UNCHECKED', message: expect.stringContaining('AliasQuery#list parameter 0 (@Query()) is typed with an interface') });
    expect(startupError(AliasQuery).message).toContain('or write @Query({ validate: false }) to take the raw query knowingly.');
  });

  it('pass the raw body and query on with { validate: false }', async () => {
    @Controller('/raw')
    class Raw {
      @Post('/') create(@Body({ validate: false }) person: Person) { return { got: person ?? null }; }
      @Get('/') list(@Query({ validate: false }) filter: Filter) { return filter; }
    }
    const app = createApp({ controllers: [Raw] });
    const res = await app.inject({ method: 'POST', url: '/raw', body: { name: 5, age: 'x' } });
    expect(res.status).toBe(201);
    expect(res.json()).toEqual({ got: { name: 5, age: 'x' } });
    expect((await app.inject({ method: 'POST', url: '/raw' })).json()).toEqual({ got: null });
    expect((await app.inject('/raw?q=ada')).json()).toEqual({ q: 'ada' });
  });

  it('keep a DTO, a string body, a primitive @Body property and an array @Query working', async () => {
    @Controller('/ok')
    class Ok {
      @Post('/dto') dto(@Body() person: PersonDto) { return person; }
      @Post('/text') text(@Body() note: string) { return { note }; }
      @Post('/name') name(@Body('name') name: string, @Body('age') age: number) { return { name, age }; }
      @Post('/bytes') bytes(@Body('raw') raw: unknown) { return { raw }; }
      @Get('/tags') tags(@Query('tag') tag: string[]) { return { tag }; }
    }
    const app = createApp({ controllers: [Ok] });
    const bad = await app.inject({ method: 'POST', url: '/ok/dto', body: { name: 5, age: 'x' } });
    expect(bad.status).toBe(422);
    expect(bad.json<{ errors: { loc: string[] }[] }>().errors.map((e) => e.loc)).toEqual([['body', 'name'], ['body', 'age']]);
    expect((await app.inject({ method: 'POST', url: '/ok/dto' })).status).toBe(422);
    expect((await app.inject({ method: 'POST', url: '/ok/dto', body: { name: 'Ada', age: 36 } })).json()).toEqual({ name: 'Ada', age: 36 });
    expect((await app.inject({ method: 'POST', url: '/ok/text', headers: { 'content-type': 'text/plain' }, body: 'hi' })).json()).toEqual({ note: 'hi' });
    expect((await app.inject({ method: 'POST', url: '/ok/name', body: { name: 'Ada', age: 36 } })).json()).toEqual({ name: 'Ada', age: 36 });
    expect((await app.inject({ method: 'POST', url: '/ok/bytes', body: { raw: [1, 2] } })).json()).toEqual({ raw: [1, 2] });
    expect((await app.inject('/ok/tags?tag=a&tag=b')).json()).toEqual({ tag: ['a', 'b'] });
  });
});
