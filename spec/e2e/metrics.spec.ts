import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { Counter } from 'prom-client';
import { inject, injectable } from 'tsyringe';
import { Client } from 'undici';
import { Controller, createApp, Get, MetricsRegistry, Param } from '../../lib';
import { serve } from '../helpers/http';
import { waitFor } from '../helpers/wait';

interface Family { name: string; help: string; type: string; metrics: { labels?: Record<string, string>; value?: string; buckets?: Record<string, string>; count?: string; sum?: string }[] }

@injectable()
class Mailer {
  readonly sent: Counter;
  constructor(@inject(MetricsRegistry) registry: MetricsRegistry) {
    this.sent = new Counter({ name: 'mails_sent_total', help: 'Mails sent.', registers: [registry] });
  }
}

/** /users/wait/now calls `entered` when its handler runs, then answers once the test calls `release`. */
const held = { entered: (): void => undefined, release: (): void => undefined };

@Controller('/users')
class Users {
  constructor(private readonly mailer: Mailer) {}
  @Get('/:id') one(@Param('id') id: number) { this.mailer.sent.inc(); return { id }; }
  @Get('/wait/now') wait() {
    return new Promise<string>((r) => {
      held.release = () => r('released');
      held.entered();
    });
  }
}

/**
 * One histogram series, parsed on its own: parse-prometheus-text-format folds the series of a labelled histogram
 * together, so the family's HELP/TYPE lines and the lines of one label set are parsed alone.
 */
function histogramSeries(text: string, family: string, labels: string): { buckets: Record<string, string>; count: string; sum: string } {
  const lines = text.split('\n')
    .filter((l) => l.startsWith(`# HELP ${family} `) || l.startsWith(`# TYPE ${family} `) || (l.startsWith(family) && l.includes(labels)))
    .map((l) => l.replace(/\{(?:le="([^"]*)",?)?[^}]*\}/, (_, le: string | undefined) => (le === undefined ? '' : `{le="${le}"}`)));
  return (parsePrometheusTextFormat(`${lines.join('\n')}\n`) as Family[])[0].metrics[0] as { buckets: Record<string, string>; count: string; sum: string };
}

/** Bucket bounds in increasing order (object keys that look like integers would come first). */
const bounds = (buckets: Record<string, string>): string[] => Object.keys(buckets).sort((a, b) => (a === '+Inf' ? Infinity : Number(a)) - (b === '+Inf' ? Infinity : Number(b)));

async function scrape(client: { get(path: string): PromiseLike<{ text: string }> }): Promise<Family[]> {
  return parsePrometheusTextFormat((await client.get('/metrics')).text) as Family[];
}

describe('metrics over a socket', () => {
  it('serves Prometheus text with request counts and durations labelled by route template, never the raw URL', async () => {
    const client = await serve(createApp({ controllers: [Users], metrics: true }));
    await client.get('/users/1').expect(200);
    await client.get('/users/2').expect(200);
    await client.get('/users/x').expect(422);
    await client.get('/nope/123').expect(404);
    const res = await client.get('/metrics').expect(200).expectHeader('content-type', 'text/plain; version=0.0.4; charset=utf-8');
    expect(res.text).not.toContain('/users/1');
    expect(res.text).not.toContain('/nope');
    const families = parsePrometheusTextFormat(res.text) as Family[];
    const byName = (name: string): Family => families.find((f) => f.name === name)!;

    expect(byName('http_requests_total')).toMatchObject({ type: 'COUNTER' });
    expect(byName('http_requests_total').metrics.map((m) => [m.labels, m.value])).toEqual(expect.arrayContaining([
      [{ method: 'GET', route: '/users/:id', status: '200' }, '2'],
      [{ method: 'GET', route: '/users/:id', status: '422' }, '1'],
      [{ method: 'GET', route: '(unmatched)', status: '404' }, '1'],
    ]));
    expect(byName('http_request_duration_seconds').type).toBe('HISTOGRAM');
    const users200 = histogramSeries(res.text, 'http_request_duration_seconds', 'method="GET",route="/users/:id",status="200"');
    expect(users200.count).toBe('2');
    expect(Number(users200.sum)).toBeGreaterThan(0);
    expect(bounds(users200.buckets)).toEqual(['0.005', '0.01', '0.025', '0.05', '0.1', '0.25', '0.5', '1', '2.5', '5', '10', '+Inf']);
    expect(users200.buckets['+Inf']).toBe('2');
    expect(byName('http_requests_in_flight')).toMatchObject({ type: 'GAUGE' });
    // Process metrics from prom-client, and user metrics registered through the injected registry.
    expect(byName('process_cpu_user_seconds_total')).toBeDefined();
    expect(byName('nodejs_eventloop_lag_seconds')).toBeDefined();
    expect(byName('mails_sent_total').metrics[0].value).toBe('2');
    await client.close();
  });

  // regression: issue 19 (an injected response was counted as 499, whatever it answered)
  it('counts the real status of requests run with app.inject()', async () => {
    const app = createApp({ controllers: [Users], metrics: { processMetrics: false } });
    expect((await app.inject('/users/1')).status).toBe(200);
    expect((await app.inject('/users/x')).status).toBe(422);
    const text = (await app.inject('/metrics')).body;
    const requests = (parsePrometheusTextFormat(text) as Family[]).find((f) => f.name === 'http_requests_total')!;
    expect(requests.metrics.map((m) => [m.labels, m.value])).toEqual([
      [{ method: 'GET', route: '/users/:id', status: '200' }, '1'],
      [{ method: 'GET', route: '/users/:id', status: '422' }, '1'],
    ]);
    expect(text).not.toContain('status="499"');
  });

  it('counts in-flight requests', async () => {
    const client = await serve(createApp({ controllers: [Users], metrics: { processMetrics: false } }));
    const other = new Client(client.url);
    const entered = new Promise<void>((r) => { held.entered = r; });
    const pending = other.request({ method: 'GET', path: '/users/wait/now' });
    await entered;
    const during = await scrape(client);
    // The scrape itself is in flight too.
    expect(during.find((f) => f.name === 'http_requests_in_flight')!.metrics[0].value).toBe('2');
    expect(during.find((f) => f.name === 'process_cpu_user_seconds_total')).toBeUndefined();
    held.release();
    await (await pending).body.text();
    await other.close();
    // The released request leaves the gauge when its response closes on the server, just after the client read it.
    const inFlight = async (): Promise<string> => (await scrape(client)).find((f) => f.name === 'http_requests_in_flight')!.metrics[0].value!;
    await waitFor(async () => (await inFlight()) === '1');
    await client.close();
  });

  it('uses the configured path and buckets, and labels the scrape with its own path', async () => {
    const client = await serve(createApp({ controllers: [Users], metrics: { path: '/internal/metrics', buckets: [0.1, 1] } }));
    await client.get('/internal/metrics').expect(200);
    const text = (await client.get('/internal/metrics')).text;
    const scrapes = histogramSeries(text, 'http_request_duration_seconds', 'route="/internal/metrics"');
    expect(bounds(scrapes.buckets)).toEqual(['0.1', '1', '+Inf']);
    expect(scrapes.count).toBe('1');
    await client.get('/metrics').expect(404);
    await client.close();
  });

  it('registers nothing when off: injecting the registry is a start-up error', () => {
    expect(() => createApp({ controllers: [Users] })).toThrow(expect.objectContaining({ code: 'RIVET_DI_UNRESOLVABLE' }));
  });
});
