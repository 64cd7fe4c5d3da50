// Property-based fuzzing of POST /cards through app.fetch: whatever arrives, the answer is a 4xx JSON error or a valid 200.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { sign } from '../src/http/verify.ts';
import { CardsResponse } from '../src/plain/cards-response.ts';
import { ALEX, DEMO_KEYS, createTestApp, type TestApp } from './support/app.ts';

const SECRET = 'fuzz-secret';
const TOKEN = 'fuzz-token';
/** A request that has not answered by then is a hang. */
const ANSWER_WITHIN_MS = 5_000;
/** Enough to find the classic bugs, few enough that the file takes seconds. */
const RUNS = { numRuns: 60 };

/** `.` or `..`, written plainly or percent-encoded: WHATWG URL resolves them all. */
const DOT_SEGMENT = /^(?:\.|%2e){1,2}$/i;

const ErrorBody = z.object({ error: z.object({ code: z.string().regex(/^[A-Z_]+$/), message: z.string().min(1) }) }).strict();

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp({ CARDQL_SIGNING_SECRET: SECRET, CARDQL_AUTH_TOKEN: TOKEN, CARDQL_DEADLINE_MS: '2000' });
});
afterAll(() => app.close());

type Send = { body?: Uint8Array | string; method?: string; path?: string; headers?: Array<[string, string]>; sign?: boolean };

/** Builds the request Plain would send (JSON, bearer token, signature over the exact bytes), with the given parts replaced. */
function request({ body = '', method = 'POST', path = '/cards', headers, sign: signed = true }: Send): Request {
  const bytes = new Uint8Array(typeof body === 'string' ? Buffer.from(body) : body);
  const all = new Headers();
  const given = headers ?? [['content-type', 'application/json']];
  for (const [name, value] of given) all.append(name, value);
  if (!given.some(([name]) => name === 'authorization')) all.set('authorization', `Bearer ${TOKEN}`);
  if (signed && !given.some(([name]) => name === 'plain-request-signature')) all.set('plain-request-signature', sign(bytes, SECRET));
  const hasBody = method !== 'GET' && method !== 'HEAD';
  return new Request(`http://cardql.test${path}`, { method, headers: all, ...(hasBody && { body: bytes }) });
}

/**
 * Sends a request and checks the answer's shape: a 200 whose body passes Plain's response schema,
 * or a 4xx with the JSON error body. Never a 5xx, never a rejection, never a hang. Returns the status.
 */
async function answer(input: Request): Promise<{ status: number; body: unknown }> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ANSWER_WITHIN_MS} ms`)), ANSWER_WITHIN_MS);
  });
  try {
    const response = await Promise.race([app.fetch(input), hang]);
    const text = await Promise.race([response.text(), hang]);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const body: unknown = JSON.parse(text);
    if (response.status === 200) CardsResponse.parse(body);
    else {
      expect(response.status, text).toBeGreaterThanOrEqual(400);
      expect(response.status, text).toBeLessThan(500);
      ErrorBody.parse(body);
    }
    return { status: response.status, body };
  } finally {
    clearTimeout(timer);
  }
}

const plainBody = { cardKeys: ['usage', 'plan-details'], customer: ALEX, thread: { id: 'th_01', externalId: null }, tenant: { id: 'te_01', externalId: 'acme' } };

/** Every path of Plain's body, as a list of keys from the root. */
const PATHS: string[][] = [
  [],
  ['cardKeys'],
  ['cardKeys', '0'],
  ['customer'],
  ['customer', 'id'],
  ['customer', 'email'],
  ['customer', 'externalId'],
  ['thread'],
  ['thread', 'id'],
  ['thread', 'externalId'],
  ['tenant'],
  ['tenant', 'id'],
  ['tenant', 'externalId'],
];

function replaceAt(value: unknown, path: string[], replacement: unknown): unknown {
  const [head, ...rest] = path;
  if (head === undefined) return replacement;
  const copy: any = Array.isArray(value) ? [...value] : { ...(value as object) };
  copy[head] = replaceAt(copy[head], rest, replacement);
  return copy;
}

function removeAt(value: unknown, path: string[]): unknown {
  if (path.length === 0) return undefined;
  const copy: any = JSON.parse(JSON.stringify(value));
  let parent = copy;
  for (const key of path.slice(0, -1)) parent = parent[key];
  if (Array.isArray(parent)) parent.splice(Number(path.at(-1)), 1);
  else delete parent[path.at(-1)!];
  return copy;
}

describe('POST /cards under malformed and hostile bodies', () => {
  it('answers any bytes, signed, with a 4xx JSON error or a valid 200', async () => {
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 2_000 }), async (bytes) => void (await answer(request({ body: bytes })))), RUNS);
  });

  it('answers any JSON value with a 4xx JSON error or a valid 200', async () => {
    await fc.assert(fc.asyncProperty(fc.jsonValue(), async (value) => void (await answer(request({ body: JSON.stringify(value) ?? 'null' })))), RUNS);
  });

  it('answers a value of any type at every path of Plain body, and 400 names the path when it is rejected', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...PATHS), fc.jsonValue({ maxDepth: 3 }), async (path, replacement) => {
        const { status, body } = await answer(request({ body: JSON.stringify(replaceAt(plainBody, path, replacement)) }));
        if (status === 400 && path.length > 0) expect((body as { error: { message: string } }).error.message).toContain(path[0]);
      }),
      RUNS,
    );
  });

  it.each<[string, number]>([
    ['cardKeys', 400],
    ['cardKeys.0', 200], // one of the two keys is left
    ['customer', 400],
    ['customer.id', 400],
    ['customer.email', 400],
    ['customer.externalId', 200],
    ['thread', 200],
    ['thread.id', 400],
    ['thread.externalId', 200],
    ['tenant', 200],
    ['tenant.id', 400],
    ['tenant.externalId', 200],
  ])('answers a body without %s with %i', async (path, expected) => {
    const { status } = await answer(request({ body: JSON.stringify(removeAt(plainBody, path.split('.'))) }));
    expect(status).toBe(expected);
  });

  it('answers well-shaped requests with arbitrary strings, answering only known keys it was asked for', async () => {
    const key = fc.oneof(fc.constantFrom(...DEMO_KEYS), fc.string({ unit: 'binary', maxLength: 40 }));
    const entity = fc.record({ id: fc.string({ unit: 'binary', maxLength: 60 }), externalId: fc.option(fc.string({ unit: 'binary', maxLength: 60 })) });
    await fc.assert(
      fc.asyncProperty(fc.array(key, { minLength: 1, maxLength: 30 }), entity, fc.string({ unit: 'binary', maxLength: 80 }), async (cardKeys, customer, email) => {
        const { status, body } = await answer(request({ body: JSON.stringify({ cardKeys, customer: { ...customer, email } }) }));
        if (status === 200) {
          for (const card of CardsResponse.parse(body).cards) expect(cardKeys).toContain(card.key);
        }
      }),
      RUNS,
    );
  });

  it('answers 400 to a body that is not valid UTF-8, wherever the bad bytes are', async () => {
    const valid = Buffer.from(JSON.stringify(plainBody));
    const badSequence = fc.constantFrom([0xff], [0xc3, 0x28], [0xe2, 0x28, 0xa1], [0xf0, 0x28, 0x8c, 0x28], [0xed, 0xa0, 0x80], [0xc0, 0xaf]);
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: valid.length }), badSequence, async (at, bad) => {
        const body = Buffer.concat([valid.subarray(0, at), Buffer.from(bad), valid.subarray(at)]);
        const { status, body: error } = await answer(request({ body }));
        expect(status).toBe(400);
        expect(error).toMatchObject({ error: { code: 'MALFORMED_JSON' } });
      }),
      RUNS,
    );
  });

  it.each([
    ['at the root', 400, (deep: string) => deep],
    ['in customer.id', 400, (deep: string) => JSON.stringify(plainBody).replace(`"${ALEX.id}"`, deep)],
    ['in cardKeys', 400, (deep: string) => JSON.stringify({ ...plainBody, cardKeys: '@' }).replace('"@"', deep)],
    ['in a field Plain may add (ignored)', 200, (deep: string) => JSON.stringify({ ...plainBody, future: '@' }).replace('"@"', deep)],
  ])('answers JSON nested 100,000 deep %s with %i', async (_where, expected, place) => {
    for (const [open, close] of [
      ['[', ']'],
      ['{"a":', '}'],
    ]) {
      const deep = `${open!.repeat(100_000)}1${close!.repeat(100_000)}`;
      expect((await answer(request({ body: place(deep) }))).status).toBe(expected);
    }
  });

  it.each([
    ['50,000 card keys', 400, { ...plainBody, cardKeys: Array(50_000).fill('usage') }],
    ['a 500-character unknown card key', 200, { ...plainBody, cardKeys: ['k'.repeat(500)] }],
    ['a 501-character card key', 400, { ...plainBody, cardKeys: ['k'.repeat(501)] }],
    ['a 900 KB email', 200, { ...plainBody, customer: { ...ALEX, email: 'e'.repeat(900_000) } }],
    ['a 900 KB customer id', 200, { ...plainBody, customer: { ...ALEX, id: 'c'.repeat(900_000) } }],
    ['an array of 100,000 unknown fields', 200, { ...plainBody, extra: Array(100_000).fill({ a: 1 }) }],
    ['a 2 MB string', 413, { ...plainBody, extra: 'x'.repeat(2 * 1024 * 1024) }],
  ])('answers a body with %s: %i', async (_what, expected, body) => {
    expect((await answer(request({ body: JSON.stringify(body) }))).status).toBe(expected);
  });

  it('answers 400 to a body that breaks off before its end, instead of crashing', async () => {
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(Buffer.from('{"cardKeys":["us'));
        controller.error(new Error('aborted'));
      },
    });
    const broken = new Request('http://cardql.test/cards', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}`, 'plain-request-signature': '0'.repeat(64) },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    const { status, body } = await answer(broken);
    expect([status, body]).toMatchObject([400, { error: { code: 'INCOMPLETE_BODY' } }]);
    expect(app.logs().some((line) => line.msg === 'cards request crashed')).toBe(false);
  });
});

describe('POST /cards under missing, duplicated and wrong headers', () => {
  const body = JSON.stringify(plainBody);
  const goodSignature = sign(body, SECRET);

  it('never answers 200 to a signature that is not the HMAC of the body', async () => {
    const wrong = fc.oneof(
      fc.string({ maxLength: 100 }),
      fc.stringMatching(/^[0-9a-f]{64}$/),
      fc.string().map((other) => sign(other, SECRET)),
      fc.string({ minLength: 1 }).map((secret) => sign(body, `${SECRET}${secret}`)),
      fc.constant(`${goodSignature}, ${goodSignature}`),
      fc.constant(goodSignature.slice(0, 63)),
    );
    await fc.assert(
      fc.asyncProperty(wrong, async (signature) => {
        fc.pre(signature.trim().toLowerCase() !== goodSignature);
        const { status } = await answer(request({ body, headers: [['content-type', 'application/json'], ['plain-request-signature', signature]] }));
        expect(status).toBe(401);
      }),
      RUNS,
    );
  });

  /** Plain's headers, with `changes` applied: the first change of a header replaces it (null removes it), later ones add a duplicate. */
  function headersWith(changes: Array<[string, string | null]>): Headers {
    const all = new Headers({ 'content-type': 'application/json', authorization: `Bearer ${TOKEN}`, 'plain-request-signature': goodSignature });
    const touched = new Set<string>();
    for (const [name, value] of changes) {
      if (!touched.has(name)) all.delete(name);
      touched.add(name);
      if (value !== null) all.append(name, value);
    }
    return all;
  }

  it.each<[string, number, Array<[string, string | null]>]>([
    ['the signature in upper case', 200, [['plain-request-signature', goodSignature.toUpperCase()]]],
    ['the signature with surrounding spaces', 200, [['plain-request-signature', ` ${goodSignature} `]]],
    ['no signature', 401, [['plain-request-signature', null]]],
    ['no Content-Type', 415, [['content-type', null]]],
    ['Content-Type text/plain', 415, [['content-type', 'text/plain']]],
    ['Content-Type application/json twice', 415, [['content-type', 'application/json'], ['content-type', 'application/json']]],
    ['Content-Type with a charset', 200, [['content-type', 'application/json; charset=utf-8']]],
    ['no Authorization', 401, [['authorization', null]]],
    ['Authorization twice', 401, [['authorization', `Bearer ${TOKEN}`], ['authorization', `Bearer ${TOKEN}`]]],
    ['Authorization with another scheme', 401, [['authorization', `Basic ${TOKEN}`]]],
    ['Plain-Workspace-Id twice and very long', 200, [['plain-workspace-id', 'w_1'], ['plain-workspace-id', 'w'.repeat(10_000)]]],
  ])('answers a request with %s: %i', async (_what, expected, changes) => {
    const { status } = await answer(new Request('http://cardql.test/cards', { method: 'POST', headers: headersWith(changes), body }));
    expect(status).toBe(expected);
  });

  it('answers any header values with a 4xx JSON error or a valid 200', async () => {
    const value = fc.oneof(fc.string({ maxLength: 200 }), fc.constant('application/json'), fc.constant(`Bearer ${TOKEN}`), fc.constant(goodSignature));
    const header = fc.tuple(fc.constantFrom('content-type', 'authorization', 'plain-request-signature', 'plain-workspace-id', 'content-length', 'accept'), value);
    await fc.assert(
      fc.asyncProperty(fc.array(header, { maxLength: 8 }), async (headers) => {
        const all = new Headers();
        for (const [name, v] of headers) {
          // Headers refuses values with control characters or surrounding whitespace rules; node:http refuses them too.
          try {
            all.append(name, v);
          } catch {
            fc.pre(false);
          }
        }
        await answer(new Request('http://cardql.test/cards', { method: 'POST', headers: all, body }));
      }),
      RUNS,
    );
  });

  it('answers any other method with 405', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('GET', 'HEAD', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'PROPFIND', 'SEARCH'), async (method) => {
        const { status } = await answer(request({ method, body }));
        expect(status).toBe(405);
      }),
      { numRuns: 20 },
    );
  });

  it('answers 404 with the JSON error on any path that is not a route', async () => {
    // A dot segment (`..`, `.%2E`, …) is resolved before routing, as every URL parser does, so
    // `/zz-/..` is `/` and `/zz-/../cards` is `/cards`: routes, not paths that are not one.
    const segment = fc.stringMatching(/^[a-zA-Z0-9._~%!$&'()*+,;=:@-]{0,30}$/).filter((s) => !DOT_SEGMENT.test(s));
    await fc.assert(
      fc.asyncProperty(fc.array(segment, { minLength: 1, maxLength: 4 }), async (segments) => {
        const { status } = await answer(request({ path: `/zz-${segments.join('/')}`, body }));
        expect(status).toBe(404);
      }),
      RUNS,
    );
  });

  it('resolves dot segments before routing, so a path routes as the URL it names', async () => {
    expect((await answer(request({ path: '/zz-/..', body }))).status).toBe(405);
    expect((await answer(request({ path: '/zz-/../cards', body }))).status).toBe(200);
    expect((await answer(request({ path: '/zz-/%2E%2e/cards', body }))).status).toBe(200);
    expect((await answer(request({ path: '/cards/./..', body }))).status).toBe(405);
  });
});
