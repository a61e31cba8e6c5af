import { asc, eq } from 'drizzle-orm';
import { NotFoundError } from 'rivetjs';
import { injectable } from 'tsyringe';
import { Database, type Db } from '../db/database.js';
import { __TABLE_VAR__ } from '../db/schema.js';
import type { Create__ENTITY__, __ENTITY__, Update__ENTITY__ } from './__FILE_ENTITY__.dto.js';

/** __ROUTE__ in the `__TABLE__` table (src/db/schema.ts). */
@injectable()
export class __CLASS__Service {
  constructor(private readonly database: Database<Db>) {}

  list(limit: number, offset: number): Promise<__ENTITY__[]> {
    return this.database.db.select().from(__TABLE_VAR__).orderBy(asc(__TABLE_VAR__.id)).limit(limit).offset(offset);
  }

  async get(id: number): Promise<__ENTITY__> {
    const [item] = await this.database.db.select().from(__TABLE_VAR__).where(eq(__TABLE_VAR__.id, id));
    if (item === undefined) throw new NotFoundError(`__FILE_ENTITY__ ${id} does not exist`);
    return item;
  }

  async create(input: Create__ENTITY__): Promise<__ENTITY__> {
    const [item] = await this.database.db.insert(__TABLE_VAR__).values({ name: input.name }).returning();
    return item;
  }

  async update(id: number, input: Update__ENTITY__): Promise<__ENTITY__> {
    const [item] = await this.database.db.update(__TABLE_VAR__).set({ name: input.name }).where(eq(__TABLE_VAR__.id, id)).returning();
    if (item === undefined) throw new NotFoundError(`__FILE_ENTITY__ ${id} does not exist`);
    return item;
  }

  async remove(id: number): Promise<void> {
    const removed = await this.database.db.delete(__TABLE_VAR__).where(eq(__TABLE_VAR__.id, id)).returning({ id: __TABLE_VAR__.id });
    if (removed.length === 0) throw new NotFoundError(`__FILE_ENTITY__ ${id} does not exist`);
  }
}
