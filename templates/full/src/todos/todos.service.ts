import { injectable } from 'tsyringe';
import { NotFoundError } from 'rivetjs';
import { Database, type Row } from '../db/database.js';
import type { CreateTodo, Todo, UpdateTodo } from './todo.dto.js';

const toTodo = (row: Row): Todo => ({ id: Number(row.id), title: String(row.title), done: row.done === 1, ownerId: Number(row.owner_id) });

@injectable()
export class TodosService {
  constructor(private readonly db: Database) {}

  list(ownerId: number, limit: number, offset: number): Todo[] {
    return this.db.all('SELECT * FROM todos WHERE owner_id = ? ORDER BY id LIMIT ? OFFSET ?', [ownerId, limit, offset]).map(toTodo);
  }

  get(id: number, ownerId?: number): Todo {
    const row = this.db.get('SELECT * FROM todos WHERE id = ?', [id]);
    if (row === undefined || (ownerId !== undefined && Number(row.owner_id) !== ownerId)) throw new NotFoundError(`todo ${id} does not exist`);
    return toTodo(row);
  }

  create(ownerId: number, input: CreateTodo): Todo {
    const { lastId } = this.db.run('INSERT INTO todos (title, done, owner_id) VALUES (?, ?, ?)', [input.title, input.done === true ? 1 : 0, ownerId]);
    return this.get(lastId);
  }

  update(id: number, ownerId: number, input: UpdateTodo): Todo {
    const todo = this.get(id, ownerId);
    const next = { title: input.title ?? todo.title, done: input.done ?? todo.done };
    this.db.run('UPDATE todos SET title = ?, done = ? WHERE id = ?', [next.title, next.done ? 1 : 0, id]);
    return { ...todo, ...next };
  }

  remove(id: number): void {
    if (this.db.run('DELETE FROM todos WHERE id = ?', [id]).changes === 0) throw new NotFoundError(`todo ${id} does not exist`);
  }
}
