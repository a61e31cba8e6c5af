import { and, asc, eq } from 'drizzle-orm';
import { NotFoundError } from 'rivetjs';
import { injectable } from 'tsyringe';
import { Database, type Db } from '../db/database.js';
import { todos } from '../db/schema.js';
import type { CreateTodo, Todo, UpdateTodo } from './todo.dto.js';

/** Todos in the database. `database.db` is the request's transaction inside a `@Transactional()` route. */
@injectable()
export class TodosService {
  constructor(private readonly database: Database<Db>) {}

  list(ownerId: number, limit: number, offset: number): Promise<Todo[]> {
    return this.database.db.select().from(todos).where(eq(todos.ownerId, ownerId)).orderBy(asc(todos.id)).limit(limit).offset(offset);
  }

  async get(id: number, ownerId?: number): Promise<Todo> {
    const [todo] = await this.database.db.select().from(todos).where(eq(todos.id, id));
    if (todo === undefined || (ownerId !== undefined && todo.ownerId !== ownerId)) throw new NotFoundError(`todo ${id} does not exist`);
    return todo;
  }

  async create(ownerId: number, input: CreateTodo): Promise<Todo> {
    const [todo] = await this.database.db.insert(todos).values({ title: input.title, done: input.done ?? false, ownerId }).returning();
    return todo;
  }

  async update(id: number, ownerId: number, input: UpdateTodo): Promise<Todo> {
    const [todo] = await this.database.db.update(todos).set({ title: input.title, done: input.done }).where(and(eq(todos.id, id), eq(todos.ownerId, ownerId))).returning();
    if (todo === undefined) throw new NotFoundError(`todo ${id} does not exist`);
    return todo;
  }

  async remove(id: number): Promise<void> {
    const removed = await this.database.db.delete(todos).where(eq(todos.id, id)).returning({ id: todos.id });
    if (removed.length === 0) throw new NotFoundError(`todo ${id} does not exist`);
  }
}
