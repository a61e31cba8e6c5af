/**
 * The words Rivet writes into the document: operation summaries derived from handler names (`findAll` → "Find all",
 * `create` on BooksController → "Create a book"), with the right article, and descriptions made safe for the Markdown
 * renderers of Swagger UI and ReDoc, which read `<token>` as an HTML tag and drop it.
 */

/** Verbs that act on one resource: `create` on BooksController reads "Create a book". */
const ONE = new Set(['create', 'add', 'get', 'find', 'fetch', 'read', 'show', 'update', 'replace', 'patch', 'edit', 'change', 'delete', 'remove', 'destroy', 'upsert', 'save']);
/** Verbs that act on the collection: `list` on BooksController reads "List books". */
const MANY = new Set(['list', 'index', 'search', 'browse', 'all']);

/**
 * A summary for an operation that has none, from its handler's name and its controller's: one-word handlers get the
 * resource as object (singular with an article, or plural for collections); longer names read as a sentence.
 */
export function deriveSummary(handler: string, controller: string): string {
  const words = wordsOf(handler);
  if (words.length === 0) return 'Operation';
  const resource = wordsOf(controller.replace(/Controller$/, ''));
  if (words.length === 1 && resource.length > 0) {
    const verb = words[0];
    const Verb = verb === 'all' || verb === 'index' ? 'List' : capitalize(verb);
    if (MANY.has(verb)) return `${Verb} ${[...resource.slice(0, -1), plural(resource[resource.length - 1])].join(' ')}`;
    if (ONE.has(verb)) {
      const noun = [...resource.slice(0, -1), singular(resource[resource.length - 1])].join(' ');
      return `${Verb} ${withArticle(noun)}`;
    }
  }
  return capitalize(words.join(' '));
}

/** `noun` with "a" or "an" before it, by how it sounds: "an author", "a user", "an hour", "a one-off". */
export function withArticle(noun: string): string {
  const w = noun.toLowerCase();
  const vowelSound = /^(hour|honest|honou?r|heir)/.test(w)
    || (/^[aeiou]/.test(w) && !/^(uni|use|usu|uti|ure|eu|ewe|one|once)/.test(w))
    || /^[aefhilmnorsx]$/.test(w)
    || /^(fbi|html|http|mri|nba|rsvp|sms|sql|xml|ssh|lsd)\b/.test(w);
  return `${vowelSound ? 'an' : 'a'} ${noun}`;
}

/** Lower-case words of an identifier: `findAllBooks` → find, all, books; `get_by_id` → get, by, id. */
function wordsOf(identifier: string): string[] {
  return identifier
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[\s_\-$#]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
}

const capitalize = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

function singular(word: string): string {
  if (/ies$/.test(word) && word.length > 4) return `${word.slice(0, -3)}y`;
  if (/(ss|us|is)$/.test(word)) return word;
  if (/(ches|shes|sses|xes|zes)$/.test(word)) return word.slice(0, -2);
  if (/s$/.test(word) && word.length > 1) return word.slice(0, -1);
  return word;
}

function plural(word: string): string {
  if (/s$/.test(word) && !/(ss|us|is)$/.test(word)) return word;
  if (/[^aeiou]y$/.test(word)) return `${word.slice(0, -1)}ies`;
  if (/(s|x|z|ch|sh)$/.test(word)) return `${word}es`;
  return `${word}s`;
}

/**
 * A description as Markdown whose `<…>` placeholders show as written: `Bearer <token>` becomes `Bearer &lt;token&gt;`.
 * Code spans and fenced blocks are left alone (they show their text literally), and so are autolinks
 * (`<https://…>`, `<mailto:…>`).
 */
export function escapeMarkdownHtml(text: string): string {
  if (!text.includes('<')) return text;
  // Split into code (fences and backtick spans, kept) and prose (escaped).
  return text.split(/(```[\s\S]*?(?:```|$)|`[^`\n]*`)/).map((part, i) => (i % 2 === 1 ? part : part.replace(
    /<([^<>\n]*)>|<(?=[A-Za-z/!?])/g,
    (whole, inner: string | undefined) => (inner === undefined ? '&lt;' : /^(https?|mailto|ftp):[^\s]*$/i.test(inner) ? whole : `&lt;${inner}&gt;`),
  ))).join('');
}

/** Escapes every `description` in the document in place (info, tags, operations, parameters, responses, schemas, schemes). */
export function escapeDescriptions(value: unknown): void {
  if (Array.isArray(value)) {
    for (const v of value) escapeDescriptions(v);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  const record = value as Record<string, unknown>;
  for (const [key, v] of Object.entries(record)) {
    // Example values are data, not prose: never rewritten.
    if (key === 'examples' || key === 'example' || key === 'default' || key === 'const' || key === 'enum') continue;
    if (key === 'description' && typeof v === 'string') record[key] = escapeMarkdownHtml(v);
    else escapeDescriptions(v);
  }
}
