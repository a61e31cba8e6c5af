import { deriveSummary, escapeMarkdownHtml, withArticle } from '../../lib/openapi/text';

describe('deriveSummary', () => {
  it.each([
    ['findAll', 'BooksController', 'Find all'],
    ['create', 'BooksController', 'Create a book'],
    ['create', 'AuthorsController', 'Create an author'],
    ['update', 'UsersController', 'Update a user'],
    ['remove', 'HoursController', 'Remove an hour'],
    ['get', 'CategoriesController', 'Get a category'],
    ['list', 'BookReviewsController', 'List book reviews'],
    ['list', 'InboxController', 'List inboxes'],
    ['search', 'AddressesController', 'Search addresses'],
    ['getById', 'BooksController', 'Get by id'],
    ['exportCSVReport', 'ReportsController', 'Export csv report'],
    ['signup', 'AuthController', 'Signup'],
    ['get_one', 'Items', 'Get one'],
  ])('%s on %s reads "%s"', (handler, controller, summary) => {
    expect(deriveSummary(handler, controller)).toBe(summary);
  });
});

describe('withArticle', () => {
  it.each([
    ['author', 'an author'], ['book', 'a book'], ['user', 'a user'], ['hour', 'an hour'], ['one-off', 'a one-off'],
    ['item', 'an item'], ['euro', 'a euro'], ['umbrella', 'an umbrella'], ['SQL query', 'an SQL query'],
  ])('%s → %s', (noun, expected) => {
    expect(withArticle(noun)).toBe(expected);
  });
});

describe('escapeMarkdownHtml', () => {
  it('escapes placeholders so that Swagger UI and ReDoc show them', () => {
    expect(escapeMarkdownHtml('Send Authorization: Bearer <token>, or <key>.')).toBe('Send Authorization: Bearer &lt;token&gt;, or &lt;key&gt;.');
  });

  it('leaves code spans, fenced blocks and autolinks alone', () => {
    const text = 'Use `Bearer <token>` or see <https://example.com/docs>.\n```\ncurl -H "X: <v>"\n```\nthen <b>bold';
    expect(escapeMarkdownHtml(text)).toBe('Use `Bearer <token>` or see <https://example.com/docs>.\n```\ncurl -H "X: <v>"\n```\nthen &lt;b&gt;bold');
  });

  it('escapes a lone angle bracket that would open a tag', () => {
    expect(escapeMarkdownHtml('a <b and 3 < 4')).toBe('a &lt;b and 3 < 4');
  });
});
