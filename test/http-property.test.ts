// A property over the whole HTTP layer of a real server on loopback (node:http, startServer, port 0):
// whatever the request target, method, headers and body, never a 5xx from the HTTP layer, every
// error a JSON body of the error shape, and never customer data in a captured log line.
import { connect } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DEMO_CUSTOMERS } from '../src/demo/seed/seed-demo.ts';
import { sign } from '../src/http/verify.ts';
import { startServer, type RunningServer } from '../src/server.ts';
import { ALEX } from './support/app.ts';

const SECRET = 'property-secret';
const ErrorBody = z.object({ error: z.object({ code: z.string().regex(/^[A-Z_]+$/), message: z.string().min(1) }) }).strict();
/** What a GraphQL endpoint answers a request it cannot run (GraphQL over HTTP): errors, never an original error. */
const GraphQLErrorBody = z.object({ errors: z.array(z.object({ message: z.string().min(1), extensions: z.looseObject({ code: z.string() }).optional() })).min(1) }).strict();
const customers = Object.values(DEMO_CUSTOMERS);
/** The demo customers' emails, names and external ids: what no log line may hold. */
const CUSTOMER_DATA = [...customers.flatMap((c) => [c.email, c.externalId]), 'Alex Johnson', 'Sam Patel', 'Taylor Brooks', 'Casey Morgan'];

let running: RunningServer;
let port: number;
const lines: string[] = [];
beforeAll(async () => {
  running = await startServer(
    { NODE_ENV: 'test', PORT: '0', HOST: '127.0.0.1', CARDQL_DATABASE: ':memory:', CARDQL_SIGNING_SECRET: SECRET, LOG_LEVEL: 'trace' },
    { requestTimeoutMs: 3_000, logDestination: { write: (line: string) => void lines.push(line) } },
  );
  port = Number(new URL(running.url).port);
});
afterAll(() => running.close());

type Answer = { status: number; headers: string; body: string };

/** One request on its own connection, bytes as given; the final answer (after any 100 Continue), once the server closes. */
function exchange(bytes: Buffer): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => (socket.destroy(), reject(new Error('no answer within 5 s'))), 5_000);
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      let text = Buffer.concat(chunks).toString('latin1');
      while (text.startsWith('HTTP/1.1 100 ')) text = text.slice(text.indexOf('\r\n\r\n') + 4);
      const status = /^HTTP\/1\.1 (\d{3})/.exec(text);
      if (!status) return reject(new Error(`not an HTTP answer: ${JSON.stringify(text.slice(0, 200))}`));
      const split = text.indexOf('\r\n\r\n');
      const headers = text.slice(0, split).toLowerCase();
      let body = text.slice(split + 4);
      if (/\r\ntransfer-encoding: chunked/.test(headers)) body = unchunk(body);
      resolve({ status: Number(status[1]), headers, body: Buffer.from(body, 'latin1').toString('utf8') });
    });
    // The write side stays open, as clients keep it: node:http drops a half-closed client's request
    // (httpAllowHalfOpen is false), as nginx does (499). `Connection: close` ends the exchange.
    socket.write(bytes);
  });
}

function unchunk(text: string): string {
  let out = '';
  for (let rest = text; ; ) {
    const end = rest.indexOf('\r\n');
    const size = parseInt(rest.slice(0, end), 16);
    if (!size) return out;
    out += rest.slice(end + 2, end + 2 + size);
    rest = rest.slice(end + 2 + size + 2);
  }
}

const printable = (max: number) => fc.stringMatching(new RegExp(`^[\\x21-\\x7e]{0,${max}}$`));
const ROUTES = ['/cards', '/graphql', '/graphql/demo', '/preview', '/preview/api/cards', '/preview/preview.js', '/graphiql/favicon.ico', '/metrics', '/healthz', '/readyz', '/nope'];
const path = fc.oneof(
  fc.constantFrom(...ROUTES),
  fc.tuple(fc.constantFrom(...ROUTES), printable(20)).map(([route, query]) => `${route}?${encodeURIComponent(query)}`),
  fc.constantFrom(`/${ALEX.email}`, `/cards?email=${ALEX.email}`, '/%zz', '//x/../cards', '/cards/'),
  printable(30).map((p) => `/${p}`),
);
const target = fc.oneof(
  { weight: 4, arbitrary: path },
  { weight: 1, arbitrary: path.map((p) => `http://cardql.example${p}`) },
  { weight: 1, arbitrary: fc.constantFrom('*', 'http://[/cards', 'https://x:1/cards') },
);
const method = fc.oneof(fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'TRACE'), fc.stringMatching(/^[A-Z]{1,8}$/));
const host = fc.constantFrom<string | null>('127.0.0.1', 'localhost', '[::1]', 'evil.example', 'cardql.example:443', 'a b', '[', null);
const header = fc.tuple(
  fc.constantFrom('content-type', 'plain-request-signature', 'plain-workspace-id', 'authorization', 'origin', 'sec-fetch-site', 'x-forwarded-for', 'accept', 'if-none-match', 'expect', 'x-anything'),
  fc.oneof(printable(60), fc.constantFrom('application/json', 'text/html', 'https://evil.example', 'null', 'cross-site', '100-continue', `Bearer ${SECRET}`, ALEX.email)),
);
const cardsBody = fc.record({
  cardKeys: fc.subarray(['usage', 'plan-details', 'customer-details', 'latest-invoice', 'nope'], { minLength: 1 }),
  customer: fc.constantFrom(...customers).map((c) => ({ id: c.plainCustomerId ?? 'c_1', email: c.email, externalId: c.externalId })),
});
const body = fc.oneof(
  cardsBody.map((b) => JSON.stringify(b)),
  fc.constant(JSON.stringify({ query: `{ customer(email: "${ALEX.email}") { fullName externalId } }` })),
  fc.constant(JSON.stringify({ customer: { email: ALEX.email }, cardKeys: ['usage', 'nope'] })),
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v) ?? ''),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.constant(''),
);

/** The path a target routes to: dot segments resolved (`/x/../readyz` is `/readyz`), as the server does. */
function routedPath(target: string): string | undefined {
  return URL.canParse(target, 'http://base') ? new URL(target, 'http://base').pathname : undefined;
}

describe('the HTTP layer, over any request', () => {
  it('never answers 5xx, answers every error in JSON, and never logs customer data', async () => {
    await fc.assert(
      fc.asyncProperty(method, target, host, fc.array(header, { maxLength: 5 }), body, fc.boolean(), async (m, t, h, headers, text, signed) => {
        const payload = Buffer.from(text, 'utf8');
        const head = [`${m} ${t} HTTP/1.1`, ...(h === null ? [] : [`Host: ${h}`]), ...headers.map(([name, value]) => `${name}: ${value}`)];
        if (signed) head.push(`Plain-Request-Signature: ${sign(payload, SECRET)}`);
        head.push('Connection: close', `Content-Length: ${payload.byteLength}`);
        const answer = await exchange(Buffer.concat([Buffer.from(`${head.join('\r\n')}\r\n\r\n`, 'latin1'), payload]));
        // /readyz may say "not ready" (503) by design; every other 5xx is the HTTP layer failing.
        const readyz = routedPath(t) === '/readyz' && answer.status === 503;
        expect(answer.status, `${m} ${t}`).toBeLessThan(readyz ? 504 : 500);
        if (answer.status >= 400 && m !== 'HEAD' && !readyz) {
          expect(answer.headers, `${m} ${t}`).toMatch(/\r\ncontent-type: application\/json/);
          const json: unknown = JSON.parse(answer.body);
          if (!ErrorBody.safeParse(json).success) GraphQLErrorBody.parse(json);
        }
        expect(answer.body).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)/);
      }),
      { numRuns: 300 },
    );
    const logs = lines.join('');
    expect(logs.length).toBeGreaterThan(0);
    for (const value of CUSTOMER_DATA) expect(logs, value).not.toContain(value);
  });
});
