import { Controller } from 'rivetjs';
import { CrudController } from '../common/crud.controller';
import { CreateAuthor, type Author } from './author.dto';
import { AuthorsRepository } from './authors.repository';

/** `/authors`: the five CRUD routes of {@link CrudController}, unchanged. */
@Controller('/authors', { tags: ['authors'] })
export class AuthorsController extends CrudController<Author, CreateAuthor>({ name: 'author', create: CreateAuthor }) {
  constructor(authors: AuthorsRepository) {
    super(authors);
  }
}
