import { ownMember } from '../metadata/store';
import type { RouteMethod, RouteOptions } from '../metadata/types';
import { legacyDecorator } from '../metadata/legacy';

/** A method decorator declaring a route; `path` is relative to the controller prefix. */
export type RouteDecorator = (path?: string, options?: RouteOptions) => MethodDecorator;

function routeDecorator(method: RouteMethod): RouteDecorator {
  const decorator = `@${method === 'ALL' ? 'All' : method[0] + method.slice(1).toLowerCase()}`;
  return (path = '/', options = {}) => legacyDecorator<MethodDecorator>(decorator, (proto, name) => {
    ownMember(proto.constructor, name).routes.push({ method, path, options });
  });
}

/** Declares a GET route; HEAD is answered from it automatically. */
export const Get = routeDecorator('GET');
/** Declares a POST route (201 by default). */
export const Post = routeDecorator('POST');
/** Declares a PUT route. */
export const Put = routeDecorator('PUT');
/** Declares a PATCH route. */
export const Patch = routeDecorator('PATCH');
/** Declares a DELETE route. */
export const Delete = routeDecorator('DELETE');
/** Declares an explicit HEAD route, taking precedence over the automatic one. */
export const Head = routeDecorator('HEAD');
/** Declares an explicit OPTIONS route, taking precedence over the automatic 204 + `Allow`. */
export const Options = routeDecorator('OPTIONS');
/** Declares a route for every method the path does not declare otherwise. */
export const All = routeDecorator('ALL');
