import { injectable } from 'tsyringe';
import { SqlRepository } from '../common/repository';
import { Database, type Row } from '../db/database';
import type { Author, CreateAuthor } from './author.dto';

/** The authors table; its seed rows come from a migration (src/db/migrations.ts). */
@injectable()
export class AuthorsRepository extends SqlRepository<Author, CreateAuthor> {
  constructor(db: Database) {
    super(db, 'authors', ['name', 'born']);
  }

  protected fromRow(row: Row): Author {
    return { id: Number(row.id), name: String(row.name), born: row.born === null ? null : Number(row.born) };
  }
}
