// Fuzzing over real HTTP on loopback (the real server.ts): what node:http itself rejects is answered in JSON too.
import { connect } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { sign } from '../src/http/verify.ts';
import { CardsResponse } from '../src/plain/cards-response.ts';
import { startServer, type RunningServer } from '../src/server.ts';
import { ALEX } from './support/app.ts';

const SECRET = 'fuzz-http-secret';
const ANSWER_WITHIN_MS = 5_000;
/** Shorter than the default 15 s, so that a stalled client is cut within this test's time. */
const REQUEST_TIMEOUT_MS = 1_500;

const ErrorBody = z.object({ error: z.object({ code: z.string().regex(/^[A-Z_]+$/), message: z.string().min(1) }) }).strict();

let running: RunningServer;
let port: number;
const lines: string[] = [];
beforeAll(async () => {
  running = await startServer(
    { NODE_ENV: 'test', PORT: '0', CARDQL_DATABASE: ':memory:', CARDQL_SIGNING_SECRET: SECRET, LOG_LEVEL: 'info' },
    { requestTimeoutMs: REQUEST_TIMEOUT_MS, logDestination: { write: (line: string) => void lines.push(line) } },
  );
  port = Number(new URL(running.url).port);
});
afterAll(() => running.close());

/** The raw bytes cardql writes back on one connection, until it closes it or `ANSWER_WITHIN_MS` passes. */
function rawExchange(bytes: string | Buffer, { end = true }: { end?: boolean } = {}): Promise<{ status: number; body: string } | 'no answer'> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within ${ANSWER_WITHIN_MS} ms`));
    }, ANSWER_WITHIN_MS);
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString('latin1');
      const status = /^HTTP\/1\.1 (\d{3})/.exec(text);
      resolve(status ? { status: Number(status[1]), body: text.slice(text.indexOf('\r\n\r\n') + 4) } : 'no answer');
    });
    socket.write(bytes, () => (end ? socket.end() : undefined));
  });
}

function cardsRequest(body: string, extra = ''): string {
  return `POST /cards HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nPlain-Request-Signature: ${sign(body, SECRET)}\r\n${extra}Connection: close\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

const validBody = JSON.stringify({ cardKeys: ['usage'], customer: ALEX });

describe('over real HTTP, what the HTTP parser rejects', () => {
  it.each<[string, number, string]>([
    ['a request line that is not HTTP', 400, 'HELLO WORLD\r\n\r\n'],
    ['two different Content-Lengths', 400, cardsRequest(validBody, 'Content-Length: 3\r\n')],
    ['Content-Length and chunked together', 400, cardsRequest(validBody, 'Transfer-Encoding: chunked\r\n')],
    ['a broken chunked body', 400, 'POST /cards HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n'],
    ['a header line without a colon', 400, 'POST /cards HTTP/1.1\r\nHost: x\r\nnot a header\r\n\r\n'],
    ['headers of 100 KB', 431, `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(100_000)}\r\n\r\n`],
    ['a NUL byte in a header value', 400, 'GET /healthz HTTP/1.1\r\nHost: x\r\nX-Bad: a\u0000b\r\n\r\n'],
  ])('answers %s with %i and the JSON error body', async (_what, expected, bytes) => {
    const answer = await rawExchange(bytes);
    expect(answer).not.toBe('no answer');
    const { status, body } = answer as { status: number; body: string };
    expect(status).toBe(expected);
    expect(ErrorBody.parse(JSON.parse(body)).error.code).toBe('MALFORMED_HTTP');
  });

  it('counts those answers in the metrics under route="unparsed", and no 5xx anywhere', async () => {
    await rawExchange('HELLO WORLD\r\n\r\n');
    const text = await (await fetch(`${running.url}/metrics`)).text();
    expect(text).toMatch(/^cardql_http_requests_total\{route="unparsed",status="400"\} [1-9]/m);
    expect(text).not.toMatch(/^cardql_http_requests_total\{[^}]*status="5\d\d"\}/m);
  });

  /** The count of `POST /cards` answers with `status` in /metrics. */
  async function cardsCount(status: string): Promise<number> {
    const text = await (await fetch(`${running.url}/metrics`)).text();
    return Number(new RegExp(`^cardql_http_requests_total\\{route="/cards",status="${status}"\\} (\\d+)`, 'm').exec(text)?.[1] ?? 0);
  }

  /** Waits (at most 2 s) until the app has counted `count` 400s: the app sees a broken-off body after the socket closes. */
  async function until400s(count: number): Promise<number> {
    for (let attempt = 0; attempt < 40 && (await cardsCount('400')) < count; attempt++) await new Promise((resolve) => setTimeout(resolve, 50));
    return cardsCount('400');
  }

  it('answers 408 with the JSON error to a client that announces a body and stalls, and does not hang', async () => {
    const before = await cardsCount('400');
    const started = performance.now();
    const answer = await rawExchange('POST /cards HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"card', { end: false });
    expect(answer).toMatchObject({ status: 408 });
    expect(ErrorBody.parse(JSON.parse((answer as { body: string }).body)).error.code).toBe('MALFORMED_HTTP');
    // Cut after the request timeout, within the one-second check interval.
    expect(performance.now() - started).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 50);
    // The app saw the same request as a body that broke off: a client error, not a crash.
    expect(await until400s(before + 1)).toBe(before + 1);
    expect(await cardsCount('500')).toBe(0);
  });

  it('answers 400 to a body cut off by the client, counts the request as a 400 rather than a crash, and keeps serving', async () => {
    const before = await cardsCount('400');
    const full = cardsRequest(validBody);
    expect(await rawExchange(full.slice(0, full.length - 10))).toMatchObject({ status: 400 });
    expect(await until400s(before + 1)).toBe(before + 1);
    expect(await cardsCount('500')).toBe(0);
    expect((await rawExchange(cardsRequest(validBody))) as { status: number }).toMatchObject({ status: 200 });
  });
});

describe('over real HTTP, what node:http hands over before any route', () => {
  const signed = (target: string, host = 'Host: 127.0.0.1\r\n') =>
    `POST ${target} HTTP/1.1\r\n${host}Content-Type: application/json\r\nPlain-Request-Signature: ${sign(validBody, SECRET)}\r\nConnection: close\r\nContent-Length: ${Buffer.byteLength(validBody)}\r\n\r\n${validBody}`;
  const get = (target: string, headers = 'Host: 127.0.0.1\r\n', method = 'GET') => `${method} ${target} HTTP/1.1\r\n${headers}Connection: close\r\n\r\n`;

  it('routes an absolute-form target (which HTTP/1.1 servers must accept) like its path: the reported 500', async () => {
    const answer = (await rawExchange(signed('http://x/cards'))) as { status: number; body: string };
    expect(answer.status).toBe(200);
    expect(CardsResponse.parse(JSON.parse(answer.body)).cards.map((c) => c.key)).toEqual(['usage']);
    const healthz = (await rawExchange(get('http://cardql.example/healthz?probe=1'))) as { status: number; body: string };
    expect(healthz.status).toBe(200);
  });

  it.each<[string, string, number, string]>([
    ['OPTIONS * (the reported 500)', get('*', 'Host: 127.0.0.1\r\n', 'OPTIONS'), 400, 'INVALID_TARGET'],
    ['* as the target of a GET', get('*'), 400, 'INVALID_TARGET'],
    ['an absolute-form target that is not a URL', get('http://[/cards'), 400, 'INVALID_TARGET'],
    ['no Host header (node:http answers an empty 400 itself)', get('/healthz', ''), 400, 'MISSING_HOST'],
    ['a Host header that is not a host', get('/healthz', 'Host: [\r\n'), 400, 'INVALID_HOST'],
    ['an Expect other than 100-continue (node:http answers an empty 417 itself)', get('/healthz', 'Host: x\r\nExpect: the-unexpected\r\n'), 417, 'EXPECTATION_FAILED'],
    ['CONNECT (node:http closes the connection without a word)', 'CONNECT cardql.example:443 HTTP/1.1\r\nHost: cardql.example:443\r\n\r\n', 405, 'METHOD_NOT_ALLOWED'],
    ['TRACE on /cards', get('/cards', 'Host: x\r\n', 'TRACE'), 405, 'METHOD_NOT_ALLOWED'],
    ['an HTTP/2 preface', 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 400, 'MALFORMED_HTTP'],
  ])('answers %s with a 4xx and the JSON error body, counted and logged', async (_what, bytes, expected, code) => {
    const before = await unparsedCount(expected);
    const answer = await rawExchange(bytes);
    expect(answer).not.toBe('no answer');
    const { status, body } = answer as { status: number; body: string };
    expect(status).toBe(expected);
    expect(ErrorBody.parse(JSON.parse(body)).error.code).toBe(code);
    if (code !== 'METHOD_NOT_ALLOWED' || bytes.startsWith('CONNECT')) expect(await unparsedCount(expected)).toBe(before + 1);
    expect(lines.some((line) => line.includes(`"code":"${code}"`))).toBe(true);
  });

  it('answers Expect: 100-continue with 100, then the answer', async () => {
    const bytes = signed('/cards').replace('Connection: close\r\n', 'Connection: close\r\nExpect: 100-continue\r\n');
    const answer = (await rawExchange(bytes)) as { status: number; body: string };
    expect(answer.status).toBe(100);
    expect(answer.body).toMatch(/^HTTP\/1\.1 200 /);
  });

  it('answers an HTTP/1.0 request without Host (old health checkers) normally', async () => {
    expect(await rawExchange('GET /healthz HTTP/1.0\r\n\r\n')).toMatchObject({ status: 200 });
  });

  /** The count of answers given before routing with `status`, in /metrics. */
  async function unparsedCount(status: number): Promise<number> {
    const text = await (await fetch(`${running.url}/metrics`)).text();
    return Number(new RegExp(`^cardql_http_requests_total\\{route="unparsed",status="${status}"\\} (\\d+)`, 'm').exec(text)?.[1] ?? 0);
  }
});

describe('over real HTTP, any body and headers', () => {
  it('answers with a 4xx JSON error or a valid 200', async () => {
    const header = fc.tuple(
      fc.constantFrom('content-type', 'plain-request-signature', 'plain-workspace-id', 'authorization', 'x-anything'),
      fc.stringMatching(/^[\x21-\x7e]{0,80}$/),
    );
    const body = fc.oneof(fc.constant(validBody), fc.jsonValue().map((v) => JSON.stringify(v) ?? ''), fc.string({ unit: 'binary', maxLength: 300 }));
    await fc.assert(
      fc.asyncProperty(body, fc.array(header, { maxLength: 4 }), fc.boolean(), async (text, headers, signed) => {
        const all = new Headers({ 'content-type': 'application/json' });
        if (signed) all.set('plain-request-signature', sign(text, SECRET));
        for (const [name, value] of headers) all.append(name, value);
        const response = await fetch(`${running.url}/cards`, { method: 'POST', headers: all, body: text, signal: AbortSignal.timeout(ANSWER_WITHIN_MS) });
        const json: unknown = await response.json();
        if (response.status === 200) CardsResponse.parse(json);
        else {
          expect(response.status).toBeGreaterThanOrEqual(400);
          expect(response.status).toBeLessThan(500);
          ErrorBody.parse(json);
        }
      }),
      { numRuns: 25 },
    );
  });
});
