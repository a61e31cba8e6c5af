import { ownMember } from '../metadata/store';
import type { ParamOptions, ParamSource } from '../metadata/types';
import { legacyDecorator } from '../metadata/legacy';

/** A parameter decorator taking a wire name, options, or both. */
export type ParamDecorator = (nameOrOptions?: string | ParamOptions, options?: ParamOptions) => ParameterDecorator;

const NAMES: Record<ParamSource, string> = { path: '@Param', query: '@Query', body: '@Body', header: '@Header', cookie: '@Cookie', req: '@Req', res: '@Res', ctx: '@Ctx', file: '@UploadedFile', custom: 'a parameter decorator' };

function paramDecorator(source: ParamSource): ParamDecorator {
  return (nameOrOptions, maybeOptions) => legacyDecorator<ParameterDecorator>(NAMES[source], (proto, name, index) => {
    // Constructor parameters belong to DI, not to routes.
    if (name === undefined) return;
    const options = typeof nameOrOptions === 'object' ? nameOrOptions : (maybeOptions ?? {});
    const wire = typeof nameOrOptions === 'string' ? nameOrOptions : options.alias;
    const member = ownMember(proto.constructor, name);
    (member.params ??= []).push({ index, source, name: wire, options });
  });
}

/** A path parameter, coerced to the declared type: `@Param('id') id: number`. */
export const Param = paramDecorator('path');
/** A query parameter (`@Query('limit', { minimum: 1 })`), or with no name the whole query, validated when typed as a DTO class. */
export const Query = paramDecorator('query');
/** The request body, validated when typed as a DTO class; `@Body('name')` picks one property. */
export const Body = paramDecorator('body');
/** A request header by wire name: `@Header('X-API-Key')` or `@Header({ alias: 'X-API-Key' })`. */
export const Header = paramDecorator('header');
/** A cookie by name: `@Cookie('sid')` or `@Cookie({ alias: 'sid' })`. */
export const Cookie = paramDecorator('cookie');

const bare = (source: ParamSource) => (): ParameterDecorator => paramDecorator(source)();
/** The node `IncomingMessage`. */
export const Req = bare('req');
/** The node `ServerResponse`. A handler that ends it itself has its return value ignored. */
export const Res = bare('res');
/** The {@link RequestContext} of the request. */
export const Ctx = bare('ctx');
