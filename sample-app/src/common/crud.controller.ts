import { Body, Delete, Get, Guard, HttpCode, NotFoundError, Param, Post, Put, Query, Roles, RolesGuard } from 'rivetjs';
import { Transactional } from 'rivetjs/drizzle';
import { AuthGuard } from '../auth/auth.guard';
import type { CrudService, Page } from './repository';

/** What the CRUD base needs to know about a resource. */
export interface CrudResource<C> {
  /** Singular name, used in messages: `book` gives "Book 7 does not exist.". */
  name: string;
  /** The DTO class that validates the bodies of POST and PUT. */
  create: new () => C;
}

/** The routes every CRUD controller has; a subclass may override any of them. */
export interface CrudHandlers<T, C> {
  list(limit: number, offset: number): Promise<Page<T>>;
  get(id: number): Promise<T>;
  create(input: C): Promise<T>;
  replace(id: number, input: C): Promise<T>;
  remove(id: number): Promise<void>;
}

/** The abstract base class {@link CrudController} returns: construct it with the resource's service. */
export type CrudBase<T, C> = abstract new (service: CrudService<T, C>) => CrudHandlers<T, C>;

/**
 * Builds the abstract base class of a CRUD controller for one resource:
 *
 * | route | answers |
 * | --- | --- |
 * | `GET /?limit=&offset=` | 200, one page of records |
 * | `GET /:id` | 200, or a 404 problem |
 * | `POST /` | 201 with the created record (signed in, or `X-API-Key`) |
 * | `PUT /:id` | 200 with the replaced record, or 404 (signed in, or `X-API-Key`) |
 * | `DELETE /:id` | 204, or 404 (signed in with the `admin` role) |
 *
 * It is a factory rather than a plain generic class because TypeScript erases generics: a `body: C`
 * parameter reaches Rivet as `Object`, which cannot be validated. Each call closes over the resource's DTO
 * class and hands it to `@Body({ type })`, so every subclass validates its own bodies.
 *
 * A subclass adds `@Controller('/prefix')`, passes its service to `super`, and inherits every route with
 * its guards and metadata. It may override a handler; the override keeps the route unless it re-declares it.
 * @example
 * @Controller('/authors')
 * class AuthorsController extends CrudController<Author, CreateAuthor>({ name: 'author', create: CreateAuthor }) {
 *   constructor(authors: AuthorsRepository) { super(authors); }
 * }
 */
export function CrudController<T, C extends object>(resource: CrudResource<C>): CrudBase<T, C> {
  const Name = resource.name[0].toUpperCase() + resource.name.slice(1);

  abstract class Crud implements CrudHandlers<T, C> {
    readonly #service: CrudService<T, C>;

    constructor(service: CrudService<T, C>) {
      this.#service = service;
    }

    @Get('/', { summary: `List ${resource.name}s` })
    list(
      @Query('limit', { type: Number, minimum: 1, maximum: 100, default: 20 }) limit: number,
      @Query('offset', { type: Number, minimum: 0, default: 0 }) offset: number,
    ): Promise<Page<T>> {
      return this.#service.list(limit, offset);
    }

    @Get('/:id', { summary: `Get one ${resource.name}` })
    async get(@Param('id') id: number): Promise<T> {
      return (await this.#service.find(id)) ?? this.#notFound(id);
    }

    // POST answers 201 by default. With no summary given, the document derives one from the handler and controller
    // names: "Create a book", "Create an author". Writes run in one transaction each: a review's book check and its
    // insert see the same database, and a write that fails half-way leaves nothing behind.
    @Post('/')
    @Guard(AuthGuard)
    @Transactional()
    create(@Body({ type: resource.create }) input: C): Promise<T> {
      return this.#service.create(input);
    }

    @Put('/:id')
    @Guard(AuthGuard)
    @Transactional()
    async replace(@Param('id') id: number, @Body({ type: resource.create }) input: C): Promise<T> {
      return (await this.#service.replace(id, input)) ?? this.#notFound(id);
    }

    // Returning nothing answers 204 No Content. Guards run in order: no credentials is a 401 before roles are looked at.
    @Delete('/:id')
    @HttpCode(204)
    @Guard(AuthGuard, RolesGuard)
    @Roles('admin')
    @Transactional()
    async remove(@Param('id') id: number): Promise<void> {
      if (!(await this.#service.remove(id))) this.#notFound(id);
    }

    #notFound(id: number): never {
      throw new NotFoundError(`${Name} ${id} does not exist.`);
    }
  }
  return Crud;
}
