import { injectable } from 'tsyringe';
import { InMemoryRepository } from '../common/repository';
import type { Author, CreateAuthor } from './author.dto';

const SEED: CreateAuthor[] = [
  { name: 'Ursula K. Le Guin', born: 1929 },
  { name: 'Octavia E. Butler', born: 1947 },
  { name: 'Ted Chiang', born: 1967 },
];

/** The authors, kept in memory and seeded with a few records. */
@injectable()
export class AuthorsRepository extends InMemoryRepository<Author, CreateAuthor> {
  constructor() {
    super(SEED);
  }

  protected toRow(id: number, input: CreateAuthor): Author {
    return { id, name: input.name, born: input.born ?? null };
  }
}
