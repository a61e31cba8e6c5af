import { IsInt, IsString, Length, Min } from 'class-validator';
import { injectable } from 'tsyringe';
import { createApp, Controller, Get, Post, Delete, Param, Body, Guard, SetMetadata, HttpCode, NotFoundError, type CanActivate, type RequestContext } from '../../lib';
import { serve } from '../helpers/http';

/** An in-memory store per resource; each subclass gets its own. */
class Repo<T extends object> {
  readonly rows = new Map<number, T & { id: number }>();
  add(value: T) { const id = this.rows.size + 1; const row = { ...value, id }; this.rows.set(id, row); return row; }
}

class RoleGuard implements CanActivate {
  canActivate(ctx: RequestContext) {
    const needed = ctx.getMetadata<string>('role');
    return needed === undefined || ctx.request.headers['x-role'] === needed;
  }
}

/** A generic CRUD base, built per DTO so each subclass validates its own body. */
function CrudController<C extends object>(dto: new () => C) {
  @Guard(RoleGuard)
  abstract class Crud {
    protected abstract readonly repo: Repo<C>;
    @Get('/') list(): unknown { return [...this.repo.rows.values()]; }
    @Get('/:id') get(@Param('id') id: number) {
      const row = this.repo.rows.get(id);
      if (row === undefined) throw new NotFoundError(`${this.constructor.name} has no row ${id}`);
      return row;
    }
    @Post('/') create(@Body({ type: dto }) body: C) { return this.repo.add(body); }
    @Delete('/:id') @SetMetadata('role', 'admin') @HttpCode(204) remove(@Param('id') id: number) { this.repo.rows.delete(id); }
    /** Undecorated: never a route. */
    helper() { return 'not a route'; }
  }
  return Crud;
}

class CreateBook { @IsString() @Length(1, 100) title!: string; }
class CreateAuthor { @IsString() name!: string; @IsInt() @Min(1000) born!: number; }

@injectable() class BookRepo extends Repo<CreateBook> {}
@injectable() class AuthorRepo extends Repo<CreateAuthor> {}

@Controller('/books')
class BooksController extends CrudController(CreateBook) {
  constructor(protected readonly repo: BookRepo) { super(); }
  // Overrides without re-decorating: the route stays, the new body runs.
  override list(): unknown { return { items: super.list(), count: this.repo.rows.size }; }
}

@Controller('/authors')
class AuthorsController extends CrudController(CreateAuthor) {
  constructor(protected readonly repo: AuthorRepo) { super(); }
}

describe('controller inheritance over a socket', () => {
  it('serves a generic CRUD base under two prefixes, with an override in one only', async () => {
    const app = createApp({ controllers: [BooksController, AuthorsController] });
    const client = await serve(app);
    try {
      await client.post('/books').json({ title: 'Dune', born: 1 }).expect(201).expectJson({ title: 'Dune', id: 1 });
      await client.post('/authors').json({ name: 'Herbert', born: 1920 }).expect(201).expectJson({ name: 'Herbert', born: 1920, id: 1 });
      await client.get('/books').expect(200).expectJson({ items: [{ title: 'Dune', id: 1 }], count: 1 });
      await client.get('/authors').expect(200).expectJson([{ name: 'Herbert', born: 1920, id: 1 }]);

      // Each subclass validates with its own DTO.
      const bad = await client.post('/authors').json({ title: 'Dune' }).expect(422);
      expect(bad.json<{ errors: { loc: unknown[] }[] }>().errors.map((e) => e.loc)).toEqual([['body', 'name'], ['body', 'born'], ['body', 'born']]);

      // Inherited guard and method metadata.
      await client.delete('/authors/1').expect(403);
      await client.delete('/authors/1').set('x-role', 'admin').expect(204).expectText('');
      await client.get('/authors/1').expect(404);
      await client.get('/books/1').expect(200).expectJson({ title: 'Dune', id: 1 });
    } finally {
      await client.close();
    }
  });

  it('lists inherited routes with each subclass prefix and never undecorated methods', () => {
    const app = createApp({ controllers: [BooksController, AuthorsController] });
    expect(app.routes().map((r) => `${r.method} ${r.path} ${r.controller}#${r.handler} [${r.guards.join(',')}]`)).toEqual([
      'GET /books BooksController#list [RoleGuard]',
      'GET /books/:id BooksController#get [RoleGuard]',
      'POST /books BooksController#create [RoleGuard]',
      'DELETE /books/:id BooksController#remove [RoleGuard]',
      'GET /authors AuthorsController#list [RoleGuard]',
      'GET /authors/:id AuthorsController#get [RoleGuard]',
      'POST /authors AuthorsController#create [RoleGuard]',
      'DELETE /authors/:id AuthorsController#remove [RoleGuard]',
    ]);
  });

  it('keeps siblings apart: an override in one subclass never reaches the other', async () => {
    @Controller('/base') class Base { @Get('/') hello() { return 'base'; } }
    @Controller('/a') class A extends Base { override hello() { return 'a'; } }
    @Controller('/b') class B extends Base {}
    const app = createApp({ controllers: [Base, A, B] });
    expect((await app.inject('/base')).body).toBe('base');
    expect((await app.inject('/a')).body).toBe('a');
    expect((await app.inject('/b')).body).toBe('base');
  });
});
