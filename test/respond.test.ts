// The one place replies are built: the error shape, what a 500 says (nothing but a reference), the method check.
import { describe, expect, it } from 'vitest';
import { HttpError } from '../src/http/http-error.ts';
import { checkMethod, errorReply } from '../src/http/respond.ts';
import { cardsResponseJson, componentsJson } from '../src/plain/card-json.ts';
import { failedCard, unknownCard } from '../src/resolve/card-result.ts';
import { ALEX, createTestApp, DEMO_KEYS } from './support/app.ts';

describe('errorReply', () => {
  it('answers an HttpError with its status, code, message and headers, in JSON', () => {
    expect(errorReply(new HttpError(401, 'UNAUTHORIZED', 'Expected a token', { 'www-authenticate': 'Bearer' }), { 'x-request-id': 'r1' })).toEqual({
      status: 401,
      headers: { 'content-type': 'application/json; charset=utf-8', 'www-authenticate': 'Bearer', 'x-request-id': 'r1' },
      body: '{"error":{"code":"UNAUTHORIZED","message":"Expected a token"}}',
    });
  });

  it.each([new TypeError("Cannot read properties of undefined (reading 'email')"), 'alex@grocery.co', null])('answers anything else (%j) with a 500 naming only the reference: no message, no stack', (thrown) => {
    const reply = errorReply(thrown, {}, 'ref-123');
    expect(reply.status).toBe(500);
    expect(JSON.parse(reply.body)).toEqual({ error: { code: 'INTERNAL', message: 'Unexpected error; reference ref-123' } });
  });
});

describe('checkMethod', () => {
  it.each<[string, string[], boolean]>([
    ['GET', ['GET'], true],
    ['HEAD', ['GET'], true],
    ['POST', ['POST'], true],
    ['GET', ['POST'], false],
    ['HEAD', ['POST'], false],
    ['DELETE', ['GET', 'POST'], false],
  ])('%s on a route that allows %j: allowed %s', (method, allowed, ok) => {
    if (ok) expect(() => checkMethod(method, allowed)).not.toThrow();
    else expect(() => checkMethod(method, allowed)).toThrow(expect.objectContaining({ status: 405, code: 'METHOD_NOT_ALLOWED' }));
  });

  it('says which methods are allowed, in Allow too, and echoes only a plain method token', () => {
    const error = (() => {
      try {
        checkMethod('BREW<script>', ['GET']);
      } catch (e) {
        return e as HttpError;
      }
    })()!;
    expect(error.headers).toEqual({ allow: 'GET, HEAD' });
    expect(error.message).toBe('Expected GET, received another method');
  });
});

describe('the cards response text (plain/card-json.ts)', () => {
  it('is JSON.stringify of the response, byte for byte: demo cards, no data, error, unknown and TTL-less cards', async () => {
    const app = await createTestApp();
    try {
      const known = (await app.resolve({ cardKeys: DEMO_KEYS, customer: ALEX, thread: null, tenant: null })).results.map((r) => r.card);
      const nobody = (await app.resolve({ cardKeys: ['usage'], customer: { id: 'c_NOBODY', email: 'nobody@nowhere.example', externalId: null }, thread: null, tenant: null })).results.map((r) => r.card);
      const cards = [...known, ...nobody, failedCard('usage', 'error', new Error('down'), 3).card, unknownCard('no-such-card'), { key: 'k', components: null }, { key: 'q"uoted', timeToLiveSeconds: null, components: [] }];
      expect(nobody[0]!.components).toBeNull();
      expect(cardsResponseJson({ cards })).toBe(JSON.stringify({ cards }));
      // Made once per components array: the store and the answer share it.
      expect(componentsJson(known[0]!.components)).toBe(componentsJson(known[0]!.components));
    } finally {
      await app.close();
    }
  });
});
