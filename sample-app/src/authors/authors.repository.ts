import { Database } from 'rivetjs/drizzle';
import { injectable } from 'tsyringe';
import { DrizzleRepository } from '../common/repository';
import { tablesOf, type Db } from '../db/database';
import type { Author, CreateAuthor } from './author.dto';

/** The authors table; its sample rows come from the seed (src/db/seed.ts). */
@injectable()
export class AuthorsRepository extends DrizzleRepository<Author, CreateAuthor> {
  constructor(database: Database<Db>) {
    super(database, tablesOf(database).authors, ['name', 'born']);
  }
}
