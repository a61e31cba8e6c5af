import { Client, type Dispatcher } from 'undici';
import type { App } from '../app';
import { ContractViolationError, compileContract, type ContractResponse } from '../openapi/contract';
import type { OpenApiDocument } from '../openapi/types';

export { ContractViolationError } from '../openapi/contract';
export type { ContractMismatch, ContractResponse } from '../openapi/contract';

/** Options of {@link TestClient}. */
export interface TestClientOptions {
  /**
   * Checks every response against the OpenAPI document (the app's, or the one given): a status the operation does not
   * list, an undocumented content type or a body that breaks its schema throws a {@link ContractViolationError}
   * naming the route (`GET /books/{id}`), the status and each difference. Default `false`.
   */
  contract?: boolean | OpenApiDocument;
}

/**
 * A function that throws a {@link ContractViolationError} when a response does not match the document, for tests
 * that make requests with a client of their own. Requests that reach no documented operation pass.
 * @example const assertContract = createContractCheck(app); assertContract('GET', '/books/1', { status, headers, body });
 */
export function createContractCheck(source: App | OpenApiDocument): (method: string, url: string, response: ContractResponse) => void {
  const check = compileContract(isApp(source) ? source.openapi() : source);
  return (method, url, response) => {
    const mismatch = check(method, url, response);
    if (mismatch !== null) throw new ContractViolationError(mismatch);
  };
}

const isApp = (x: App | OpenApiDocument): x is App => typeof (x as App).openapi === 'function';

type Headers = Record<string, string | string[] | undefined>;

/** A response received by {@link TestClient}, body fully read. */
export interface TestResponse {
  status: number;
  headers: Headers;
  /** The body as text ('' when empty). */
  text: string;
  rawBody: Buffer;
  /** The body parsed as JSON; throws with the text when it is not JSON. */
  json<T = unknown>(): T;
}

type Check = (res: TestResponse, label: string) => void;

/**
 * One request being built. It is thenable: `await` sends it, runs the queued expectations in order and
 * resolves with the {@link TestResponse}.
 * @example await client.post('/users').set('x-api-key', 'k').json({ name: 'Ada' }).expect(201).expectJson({ id: 1, name: 'Ada' });
 */
export class TestRequest implements PromiseLike<TestResponse> {
  readonly #client: Client;
  readonly #method: string;
  #path: string;
  readonly #headers: Record<string, string> = {};
  #body: string | Buffer | undefined;
  readonly #checks: Check[] = [];
  #contract: ((method: string, url: string, response: ContractResponse) => void) | null;

  /** @internal */
  constructor(client: Client, method: string, path: string, contract: ((method: string, url: string, response: ContractResponse) => void) | null = null) {
    this.#client = client;
    this.#method = method;
    this.#path = path;
    this.#contract = contract;
  }

  /** Turns the contract check off for this request (e.g. a test that sends what the document forbids on purpose). */
  noContract(): this {
    this.#contract = null;
    return this;
  }

  /** Sets a request header. */
  set(name: string, value: string): this {
    this.#headers[name.toLowerCase()] = value;
    return this;
  }

  /** Adds query parameters (arrays become repeated keys). */
  query(params: Record<string, string | number | boolean | (string | number | boolean)[]>): this {
    const search = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) for (const item of Array.isArray(v) ? v : [v]) search.append(k, String(item));
    this.#path += (this.#path.includes('?') ? '&' : '?') + search.toString();
    return this;
  }

  /** Sends `value` as a JSON body with `Content-Type: application/json`. */
  json(value: unknown): this {
    this.#body = JSON.stringify(value);
    this.#headers['content-type'] ??= 'application/json';
    return this;
  }

  /** Sends a raw body, with a Content-Type when given. */
  send(body: string | Buffer, contentType?: string): this {
    this.#body = body;
    if (contentType !== undefined) this.#headers['content-type'] = contentType;
    return this;
  }

  /** Expects this status. */
  expect(status: number): this {
    this.#checks.push((res, label) => {
      if (res.status !== status) fail(`${label}: expected status ${status}, got ${res.status}`, res);
    });
    return this;
  }

  /** Expects a header to equal `value` (or match a RegExp); `undefined` expects it absent. */
  expectHeader(name: string, value: string | RegExp | undefined): this {
    const key = name.toLowerCase();
    this.#checks.push((res, label) => {
      const actual = res.headers[key];
      const text = Array.isArray(actual) ? actual.join(', ') : actual;
      const ok = value === undefined ? text === undefined : text !== undefined && (typeof value === 'string' ? text === value : value.test(text));
      if (!ok) fail(`${label}: expected header ${key} ${value === undefined ? 'to be absent' : `to be ${String(value)}`}, got ${String(text)}`, res);
    });
    return this;
  }

  /** Expects the JSON body to deep-equal `expected`. */
  expectJson(expected: unknown): this {
    this.#checks.push((res, label) => {
      const actual = res.json();
      if (!deepEqual(actual, expected)) fail(`${label}: JSON body differs.\n  expected: ${JSON.stringify(expected)}\n  actual:   ${JSON.stringify(actual)}`, res);
    });
    return this;
  }

  /** Expects the body text to equal `expected` (or match a RegExp). */
  expectText(expected: string | RegExp): this {
    this.#checks.push((res, label) => {
      const ok = typeof expected === 'string' ? res.text === expected : expected.test(res.text);
      if (!ok) fail(`${label}: expected body ${String(expected)}`, res);
    });
    return this;
  }

  /** Sends the request and runs the expectations. */
  async #run(): Promise<TestResponse> {
    const res = await this.#client.request({ method: this.#method as Dispatcher.HttpMethod, path: this.#path, headers: this.#headers, body: this.#body });
    const rawBody = Buffer.from(await res.body.arrayBuffer());
    const text = rawBody.toString('utf8');
    const response: TestResponse = {
      status: res.statusCode,
      headers: res.headers as Headers,
      text,
      rawBody,
      json: <T>() => {
        try {
          return JSON.parse(text) as T;
        } catch {
          throw new Error(`Response body is not JSON: ${text.slice(0, 500)}`);
        }
      },
    };
    const label = `${this.#method} ${this.#path}`;
    this.#contract?.(this.#method, this.#path, { status: response.status, headers: response.headers, body: rawBody });
    for (const check of this.#checks) check(response, label);
    return response;
  }

  then<A = TestResponse, B = never>(onfulfilled?: ((value: TestResponse) => A | PromiseLike<A>) | null, onrejected?: ((reason: unknown) => B | PromiseLike<B>) | null): Promise<A | B> {
    return this.#run().then(onfulfilled, onrejected);
  }
}

/**
 * An HTTP client for tests, built on undici, against a listening app over a real socket.
 * @example const client = await TestClient.start(app); await client.get('/health').expect(200); await client.close();
 */
export class TestClient {
  readonly #client: Client;
  readonly #app: App | undefined;
  readonly #contract: ((method: string, url: string, response: ContractResponse) => void) | null;
  /** The base URL the client talks to. */
  readonly url: string;

  /** `app` is closed by `close()`; with `{ contract: true }` its document is the contract. */
  constructor(url: string, app?: App, options: TestClientOptions = {}) {
    this.url = url;
    this.#client = new Client(url);
    this.#app = app;
    const contract = options.contract ?? false;
    if (contract === true && app === undefined) throw new Error('TestClient: { contract: true } needs the app (or pass its OpenAPI document as contract).');
    this.#contract = contract === false ? null : createContractCheck(contract === true ? app! : contract);
  }

  /**
   * Listens on a free loopback port (unless the app already listens) and connects to it. `close()` closes both.
   * @example const client = await TestClient.start(app, { contract: true });
   */
  static async start(app: App, options: TestClientOptions = {}): Promise<TestClient> {
    if (app.server.listening) {
      const a = app.server.address();
      if (a === null || typeof a === 'string') throw new Error('TestClient.start: the app listens on a pipe, not a TCP port');
      const contract = options.contract === true ? app.openapi() : options.contract;
      return new TestClient(`http://${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}`, undefined, { contract });
    }
    const bound = await app.listen({ port: 0, host: '127.0.0.1' });
    return new TestClient(bound.url, app, options);
  }

  get(path: string): TestRequest { return this.request('GET', path); }
  post(path: string): TestRequest { return this.request('POST', path); }
  put(path: string): TestRequest { return this.request('PUT', path); }
  patch(path: string): TestRequest { return this.request('PATCH', path); }
  delete(path: string): TestRequest { return this.request('DELETE', path); }
  head(path: string): TestRequest { return this.request('HEAD', path); }
  options(path: string): TestRequest { return this.request('OPTIONS', path); }

  /** A request with any method. */
  request(method: string, path: string): TestRequest {
    return new TestRequest(this.#client, method.toUpperCase(), path, this.#contract);
  }

  /** Closes the connection, and the app if `start` made it listen. */
  async close(): Promise<void> {
    await this.#client.close();
    if (this.#app !== undefined) await this.#app.close();
  }
}

function fail(message: string, res: TestResponse): never {
  throw new Error(`${message}\n  response: ${res.status} ${res.text.slice(0, 1000)}`);
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/**
 * Writes `rivet.meta.ts` from the handlers' return types, as `rivet types` does: call it from jest's `globalSetup` so
 * that specs document and serialize the types of the sources as they are (it rewrites the file only when it changed).
 * @example // jest.global-setup.ts
 * export default () => { writeResponseTypes({ cwd: __dirname }); };
 */
export { runTypesCommand as writeResponseTypes } from '../cli/return-types';
export type { TypesCommandOptions, TypesResult } from '../cli/return-types';
