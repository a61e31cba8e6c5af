import 'reflect-metadata';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { App } from '../../lib';
import { buildApp } from '../../sample-app/src/app';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = join(__dirname, '..', 'artifacts');
// Without the background-networking flags Chromium keeps calling Google services; they would show up as
// requests to other hosts (and flood a closed network with refused connections).
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

// Debian's chromium package is the browser. A developer machine without it skips this file; CI must not, so
// with CI set the tests run and fail at launch (.ci/run installs chromium).
const haveBrowser = existsSync(CHROMIUM) || process.env.CI !== undefined;
const describeInBrowser = haveBrowser ? describe : describe.skip;

describeInBrowser('Swagger UI and ReDoc in headless Chromium', () => {
  let app: App;
  let origin: string;
  let browser: Browser;
  let page: Page;
  let browserHome: string | undefined;
  const requested: string[] = [];
  const failed: string[] = [];

  beforeAll(async () => {
    // The sample app as it ships (document and both pages on), on a database of its own.
    app = await buildApp({ database: ':memory:' });
    origin = (await app.listen({ port: 0, host: '127.0.0.1' })).url;
    // Chromium writes crash-report and dconf folders under HOME: give it one of its own, not the developer's.
    browserHome = mkdtempSync(join(tmpdir(), 'rivet-chromium-home-'));
    const env = { ...process.env, HOME: browserHome, XDG_CONFIG_HOME: join(browserHome, '.config'), XDG_CACHE_HOME: join(browserHome, '.cache') };
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, env });
    page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    page.on('request', (r) => { requested.push(r.url()); });
    page.on('requestfailed', (r) => { failed.push(`${r.url()} ${r.failure()?.errorText ?? ''}`); });
    mkdirSync(ARTIFACTS, { recursive: true });
  }, 20000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    if (browserHome !== undefined) rmSync(browserHome, { recursive: true, force: true });
  });

  it('lists the operations, runs one with "Try it out" and "Execute", and shows the live 200', async () => {
    await page.goto(`${origin}/docs`);
    const operation = page.locator('#operations-books-books_list');
    await operation.waitFor({ timeout: 10000 });
    await page.locator('#operations-authors-authors_create').waitFor();
    await page.locator('#operations-auth-auth_login').waitFor();

    await operation.locator('.opblock-summary').first().click();
    await operation.locator('button.try-out__btn').click();
    await operation.locator('button.execute').click();
    const status = operation.locator('.live-responses-table tbody .response-col_status').first();
    await status.waitFor({ timeout: 10000 });
    expect((await status.innerText()).trim()).toBe('200');
    await expect(operation.locator('.live-responses-table tbody .response-col_description').first().innerText()).resolves.toContain('Le Guin');
    await page.screenshot({ path: join(ARTIFACTS, 'swagger-ui.png'), fullPage: true });
  }, 20000);

  it('shows a <placeholder> in a description as written, in Swagger UI', async () => {
    await page.goto(`${origin}/docs`);
    const description = page.locator('.information-container .info .description');
    await description.waitFor({ timeout: 10000 });
    expect(await description.innerText()).toContain('then Authorization: Bearer <token>) or, for scripts');
  }, 20000);

  it('shows each error response\'s own example in ReDoc: a 422 problem under 422, not a 404', async () => {
    await page.goto(`${origin}/redoc#tag/auth/operation/auth_signup`);
    const operation = page.locator('[data-section-id="tag/auth/operation/auth_signup"]');
    await operation.waitFor({ timeout: 15000 });
    const tab = operation.locator('[role="tab"]', { hasText: '422' }).first();
    await tab.click();
    const sample = operation.locator('[role="tabpanel"]:visible').last();
    await expect(sample.innerText()).resolves.toMatch(/"status":\s*422/);
    expect(await sample.innerText()).toContain('"errors"');
    await operation.locator('[role="tab"]', { hasText: '409' }).first().click();
    await expect(operation.locator('[role="tabpanel"]:visible').last().innerText()).resolves.toMatch(/"status":\s*409/);
  }, 20000);

  it('renders ReDoc with an operation heading', async () => {
    await page.goto(`${origin}/redoc`);
    const heading = page.locator('h2', { hasText: 'List books, optionally filtered by author and year' });
    await heading.first().waitFor({ timeout: 15000 });
    await page.screenshot({ path: join(ARTIFACTS, 'redoc.png') });
  }, 20000);

  it('made every request to the app itself', () => {
    const network = requested.filter((u) => !u.startsWith('data:') && !u.startsWith('blob:'));
    expect(network.length).toBeGreaterThan(5);
    expect(network.filter((u) => new URL(u).origin !== origin)).toEqual([]);
    expect(failed).toEqual([]);
    expect(network).toEqual(expect.arrayContaining([`${origin}/openapi.json`, expect.stringMatching(/\/books\?limit=20&offset=0$/)]));
  });
});
