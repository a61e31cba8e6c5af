import 'reflect-metadata';
import { IsString, Length } from 'class-validator';
import { Controller, createApp, createParamDecorator, Get, Header, Query, type OpenApiDocument, type RequestContext } from '../../lib';
import { validateOpenApi } from './support/validate';

const operation = (doc: OpenApiDocument, path: string) => (doc.paths[path] as Record<string, Record<string, unknown>>).get;
// Two operations compared without what is named after the handler (operationId, the derived summary).
const withoutId = ({ operationId, summary, ...rest }: Record<string, unknown>) => rest;

class Tenant { @IsString() @Length(2, 20) slug!: string; }

const TenantHeader = createParamDecorator((ctx: RequestContext) => ctx.request.headers['x-tenant'], {
  in: 'header', name: 'X-Tenant', schema: { type: 'string', pattern: '^[a-z]+$' }, required: true, description: 'The tenant the request acts for.',
});
const Region = createParamDecorator((ctx: RequestContext) => ctx.query.region, { in: 'query', name: 'region', schema: { type: 'string', enum: ['eu', 'us'] }, deprecated: true });
const Locale = createParamDecorator((ctx: RequestContext) => ctx.cookies.locale, { in: 'cookie', name: 'locale' });
const CurrentUser = createParamDecorator((ctx: RequestContext, field?: string) => (field === undefined ? ctx.state.user : (ctx.state.user as Record<string, unknown>)[field]));
const ValidTenant = createParamDecorator((ctx: RequestContext) => ({ slug: ctx.request.headers['x-tenant'] }), { label: 'tenant', dto: Tenant });

describe('describeInput for createParamDecorator parameters', () => {
  @Controller('/t')
  class Documented {
    @Get('/one') one(@TenantHeader() tenant: string, @Query('q') q?: string) { return [tenant, q]; }
    @Get('/two') two(@Region() region: string, @Locale() locale: string, @TenantHeader() tenant: string) { return [region, locale, tenant]; }
    @Get('/plain') plain(@CurrentUser() user: unknown, @CurrentUser('id') id: unknown) { return [user, id]; }
    @Get('/bare') bare() { return []; }
    @Get('/valid') valid(@ValidTenant() tenant: Tenant) { return tenant; }
    @Get('/same') same(@TenantHeader() a: string, @Header('x-tenant') b: string, @TenantHeader() c: string) { return [a, b, c]; }
  }
  const doc = createApp({ controllers: [Documented], openapi: { title: 'Custom', version: '1' } }).openapi();

  it('documents a decorator that declares in and name as a parameter of every operation using it, in argument order', () => {
    const tenant = { name: 'X-Tenant', in: 'header', description: 'The tenant the request acts for.', required: true, schema: { type: 'string', pattern: '^[a-z]+$' } };
    expect(operation(doc, '/t/one').parameters).toEqual([tenant, { name: 'q', in: 'query', required: false, schema: { type: 'string' } }]);
    expect(operation(doc, '/t/two').parameters).toEqual([
      { name: 'region', in: 'query', required: false, deprecated: true, schema: { type: 'string', enum: ['eu', 'us'] } },
      { name: 'locale', in: 'cookie', required: false, schema: {} },
      tenant,
    ]);
  });

  it('adds nothing for a decorator that declares no source', () => {
    expect(withoutId(operation(doc, '/t/plain'))).toEqual(withoutId(operation(doc, '/t/bare')));
  });

  it('documents the 422 of a decorator that validates, and nothing else', () => {
    const valid = operation(doc, '/t/valid');
    expect(valid.parameters).toBeUndefined();
    expect(Object.keys(valid.responses as object)).toEqual(['200', '422']);
  });

  it('documents a header once when a built-in decorator or another use reads the same name', () => {
    // Required, since the custom one requires it.
    expect(operation(doc, '/t/same').parameters).toEqual([{ name: 'x-tenant', in: 'header', required: true, schema: { type: 'string' } }]);
  });

  it('is a valid OpenAPI 3.1 document', () => {
    expect(validateOpenApi(doc)).toMatchObject({ valid: true });
  });
});
