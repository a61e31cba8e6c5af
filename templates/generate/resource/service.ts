import { injectable } from 'tsyringe';
import { NotFoundError } from 'rivetjs';
import type { Create__ENTITY__, __ENTITY__, Update__ENTITY__ } from './__FILE_ENTITY__.dto.js';

/** Keeps __ROUTE__ in memory, one set per app. Replace the Map with your database. */
@injectable()
export class __CLASS__Service {
  private readonly items = new Map<number, __ENTITY__>();
  private nextId = 1;

  list(limit: number, offset: number): __ENTITY__[] {
    return [...this.items.values()].slice(offset, offset + limit);
  }

  get(id: number): __ENTITY__ {
    const item = this.items.get(id);
    if (item === undefined) throw new NotFoundError(`__FILE_ENTITY__ ${id} does not exist`);
    return item;
  }

  create(input: Create__ENTITY__): __ENTITY__ {
    const item = { id: this.nextId++, name: input.name };
    this.items.set(item.id, item);
    return item;
  }

  update(id: number, input: Update__ENTITY__): __ENTITY__ {
    const item = { ...this.get(id), ...input };
    this.items.set(id, item);
    return item;
  }

  remove(id: number): void {
    if (!this.items.delete(id)) throw new NotFoundError(`__FILE_ENTITY__ ${id} does not exist`);
  }
}
