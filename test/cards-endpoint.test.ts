// POST /cards as Plain uses it, through both doors: app.fetch, and the real node:http server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CardsResponse } from '../src/plain/cards-response.ts';
import { DEMO_TENANTS, DEMO_THREADS } from '../src/demo/seed/seed.ts';
import { ALEX, cardsBody, DEMO_KEYS, plainRequest } from './support/app.ts';
import { DOORS, type Opened } from './support/doors.ts';

const SECRET = 'test-signing-secret';

describe.each(DOORS)('POST /cards through $name', (door) => {
  let app: Opened;

  beforeAll(async () => {
    app = await door.open({ CARDQL_SIGNING_SECRET: SECRET });
  });
  afterAll(() => app.close());

  async function post(body: unknown, options: Parameters<typeof plainRequest>[1] = { secret: SECRET }) {
    const response = await app.send(plainRequest(body, options));
    return { status: response.status, headers: response.headers, body: (await response.json()) as any };
  }

  describe('POST /cards for the demo customer', () => {
    it('answers every demo card with components that pass Plain schema', async () => {
      const { status, body } = await post(cardsBody(DEMO_KEYS));
      expect(status).toBe(200);
      expect(CardsResponse.parse(body).cards.map((c) => c.key)).toEqual(DEMO_KEYS);
      for (const card of body.cards) expect(card.components, card.key).not.toBeNull();
    });

    it.each([
      ['Plain customer id only', { id: ALEX.id, email: 'someone-else@example.com', externalId: null }],
      ['email only', { id: 'c_UNKNOWN', email: ALEX.email, externalId: null }],
      ['external id only', { id: 'c_UNKNOWN', email: 'someone-else@example.com', externalId: ALEX.externalId }],
    ])('finds the customer by %s', async (_how, customer) => {
      const { body } = await post(cardsBody(['customer-details'], customer));
      expect(JSON.stringify(body.cards[0].components)).toContain('Alex Johnson');
    });

    it('answers a customer the data does not know with components: null for every card', async () => {
      const { status, body } = await post(cardsBody(DEMO_KEYS, { id: 'c_NOBODY', email: 'nobody@nowhere.example', externalId: null }));
      expect(status).toBe(200);
      expect(body.cards.map((c: { key: string; components: unknown }) => [c.key, c.components])).toEqual(DEMO_KEYS.map((key) => [key, null]));
    });

    it('sends TTLs that are integers within Plain range', async () => {
      const { body } = await post(cardsBody(DEMO_KEYS));
      for (const card of body.cards) {
        expect(Number.isInteger(card.timeToLiveSeconds), card.key).toBe(true);
        expect(card.timeToLiveSeconds).toBeGreaterThanOrEqual(15);
        expect(card.timeToLiveSeconds).toBeLessThanOrEqual(31_536_000);
      }
    });
  });

  describe('POST /cards on a thread: $threadId and $tenantId from Plain\'s thread and tenant', () => {
    const THREAD_KEYS = ['thread-context', 'tenant-account'];
    const onThread = (thread: string | null, tenant: string | null) => ({
      ...cardsBody(THREAD_KEYS),
      thread: thread && { id: thread, externalId: null },
      tenant: tenant && { id: tenant, externalId: null },
    });
    const shown = (body: { cards: Array<{ key: string; timeToLiveSeconds: number; components: unknown }> }) =>
      body.cards.map((card) => [card.key, card.timeToLiveSeconds, card.components === null ? null : JSON.stringify(card.components)]);

    it('shows the thread the data knows, with the order it is about, and its tenant', async () => {
      const { status, body } = await post(onThread(DEMO_THREADS.alexShipping, DEMO_TENANTS.grocery));
      expect(status).toBe(200);
      expect(shown(CardsResponse.parse(body) as never)).toEqual([
        ['thread-context', 60, expect.stringMatching(/"Where is my order\?".*"Shipping".*"High".*"Order #ORD-\d+".*"Shipped".*"Track shipment"/)],
        ['tenant-account', 300, expect.stringMatching(/"Workspace".*"Grocery Co".*"Dedicated".*"Account manager".*"Jordan Lee"/)],
      ]);
    });

    it('outside a thread: a short-lived muted "Open a thread" card, and no tenant card (Plain hides it)', async () => {
      const { status, body } = await post(onThread(null, null));
      expect(status).toBe(200);
      expect(shown(body)).toEqual([
        ['thread-context', 15, expect.stringMatching(/^\[\{"componentText":\{"text":"Open a thread to see what it is about[^"]*","textColor":"MUTED"\}\}\]$/)],
        ['tenant-account', 300, null],
      ]);
    });

    it('a thread without a tenant, and a thread and tenant the data does not know: no data, never an error', async () => {
      const taylor = await post({ ...onThread(DEMO_THREADS.taylorApi, null), customer: { id: 'c_01JB7Q4M2T8XKZ5N9R3W6YHCFD', email: 'taylor@trialing.example', externalId: null } });
      expect(shown(taylor.body)).toEqual([['thread-context', 60, expect.stringContaining('"API keys for our staging environment"')], ['tenant-account', 300, null]]);
      const unknown = await post(onThread('th_UNKNOWN', 'te_UNKNOWN'));
      expect([unknown.status, shown(unknown.body)]).toEqual([200, [['thread-context', 60, null], ['tenant-account', 300, null]]]);
    });
  });

  describe('card keys', () => {
    it('answers every requested key, in the order asked: an unknown one with a short-lived muted notice card, logged and counted without its key as a label', async () => {
      const { status, body } = await post(cardsBody(['no-such-card', 'usage']));
      expect(status).toBe(200);
      expect(CardsResponse.parse(body).cards.map((c) => c.key)).toEqual(['no-such-card', 'usage']);
      expect(body.cards[0]).toEqual({
        key: 'no-such-card',
        timeToLiveSeconds: 30,
        components: [{ componentText: { text: 'No card named “no-such-card” is configured in cardql.', textSize: 'S', textColor: 'MUTED' } }],
      });
      expect(app.logs().find((l) => l.msg === 'unknown card keys requested: answered with a notice card')).toMatchObject({ level: 40, unknownKeys: ['no-such-card'] });
      const metrics = await app.app.metrics.registry.metrics();
      expect(metrics).toMatch(/^cardql_card_results_total\{card="_other",outcome="unknown"\} [1-9]/m);
      expect(metrics).not.toContain('no-such-card');
    });

    it('answers a duplicated key once', async () => {
      const { body } = await post(cardsBody(['usage', 'usage', 'plan-details', 'usage']));
      expect(body.cards.map((c: { key: string }) => c.key)).toEqual(['usage', 'plan-details']);
    });

    it('answers 200 with the notice card when every key is unknown', async () => {
      const { status, body } = await post(cardsBody(['nope', 'nope']));
      expect(status).toBe(200);
      expect(body.cards.map((c: { key: string; timeToLiveSeconds: number }) => [c.key, c.timeToLiveSeconds])).toEqual([['nope', 30]]);
    });
  });

  describe("Plain's request format", () => {
    it('accepts unknown fields anywhere, and thread and tenant', async () => {
      const body = {
        ...cardsBody(['customer-details']),
        customer: { ...ALEX, avatarUrl: 'https://x', extra: { nested: true } },
        thread: { id: 'th_01', externalId: null, title: 'Help' },
        tenant: { id: 'te_01', externalId: 'acme' },
        futureField: [1, 2, 3],
      };
      const { status, body: response } = await post(body);
      expect(status).toBe(200);
      expect(response.cards).toHaveLength(1);
    });

    it('accepts a signed pretty-printed body, verified on the bytes as sent', async () => {
      const raw = JSON.stringify(cardsBody(['usage']), null, 2);
      const { status } = await post(undefined, { secret: SECRET, raw });
      expect(status).toBe(200);
    });

    it('rejects a pretty-printed body signed as if it had been re-serialised', async () => {
      const compact = JSON.stringify(cardsBody(['usage']));
      const signature = (await import('../src/http/verify.ts')).sign(compact, SECRET);
      const raw = JSON.stringify(cardsBody(['usage']), null, 2);
      const { status, body } = await post(undefined, { raw, headers: { 'plain-request-signature': signature } });
      expect(status).toBe(401);
      expect(body.error.code).toBe('INVALID_SIGNATURE');
    });
  });

  describe('request-level errors', () => {
    const valid = JSON.stringify(cardsBody(['usage']));
    const cases: Array<[string, number, () => Request, string | RegExp]> = [
      ['a GET', 405, () => new Request('http://cardql.test/cards'), /Expected POST, received GET/],
      ['no signature', 401, () => plainRequest(undefined, { raw: valid }), /Expected a Plain-Request-Signature header/],
      ['a wrong signature', 401, () => plainRequest(undefined, { raw: valid, headers: { 'plain-request-signature': 'ab'.repeat(32) } }), /does not match/],
      ['text/plain', 415, () => plainRequest(undefined, { raw: valid, secret: SECRET, headers: { 'content-type': 'text/plain' } }), /Expected Content-Type application\/json, received "text\/plain"/],
      ['a body over 1 MB', 413, () => plainRequest(undefined, { raw: JSON.stringify({ ...cardsBody(['usage']), pad: 'x'.repeat(1024 * 1024) }), secret: SECRET }), /at most 1048576 bytes/],
      ['malformed JSON', 400, () => plainRequest(undefined, { raw: '{"cardKeys": [', secret: SECRET }), /does not parse/],
      ['no card keys', 400, () => plainRequest({ cardKeys: [], customer: ALEX }, { secret: SECRET }), /cardKeys/],
      ['26 card keys', 400, () => plainRequest({ cardKeys: Array.from({ length: 26 }, (_, i) => `k${i}`), customer: ALEX }, { secret: SECRET }), /cardKeys/],
      ['a card key with a slash', 400, () => plainRequest({ cardKeys: ['../etc'], customer: ALEX }, { secret: SECRET }), /cardKeys\.0/],
      ['no customer email', 400, () => plainRequest({ cardKeys: ['usage'], customer: { id: 'c_1', externalId: null } }, { secret: SECRET }), /customer\.email/],
      ['a JSON array', 400, () => plainRequest([], { secret: SECRET }), /Expected Plain's card request/],
    ];

    it.each(cases)('%s gets %i with a JSON error that says what was expected', async (_what, status, request, message) => {
      const response = await app.send(request());
      expect(response.status).toBe(status);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      const body = (await response.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toMatch(/^[A-Z_]+$/);
      expect(body.error.message).toMatch(message);
    });

    it('rejects bytes that are not UTF-8 with 400', async () => {
      const bytes = new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]);
      const { sign } = await import('../src/http/verify.ts');
      const response = await app.send(
        new Request('http://cardql.test/cards', { method: 'POST', headers: { 'content-type': 'application/json', 'plain-request-signature': sign(bytes, SECRET) }, body: bytes }),
      );
      expect(response.status).toBe(400);
      expect(((await response.json()) as any).error.message).toMatch(/not valid UTF-8/);
    });

    it('names every failing path in a 400', async () => {
      const { status, body } = await post({ cardKeys: ['ok', 'bad key'], customer: { id: 5 } });
      expect(status).toBe(400);
      expect(body.error.message).toMatch(/cardKeys\.1/);
      expect(body.error.message).toMatch(/customer\.id/);
      expect(body.error.message).toMatch(/customer\.email/);
    });

    it('answers 404 with a hint for an unknown path', async () => {
      const response = await app.send(new Request('http://cardql.test/nope', { method: 'POST' }));
      expect(response.status).toBe(404);
      expect(((await response.json()) as any).error.message).toMatch(/POST \/cards/);
    });
  });

  describe('bearer token configured in Plain', () => {
    it('is required when CARDQL_AUTH_TOKEN is set, in addition to the signature', async () => {
      const guarded = await door.open({ CARDQL_SIGNING_SECRET: SECRET, CARDQL_AUTH_TOKEN: 'plain-header-token' });
      const body = cardsBody(['usage']);
      const without = await guarded.send(plainRequest(body, { secret: SECRET }));
      const wrong = await guarded.send(plainRequest(body, { secret: SECRET, headers: { authorization: 'Bearer nope' } }));
      const right = await guarded.send(plainRequest(body, { secret: SECRET, headers: { authorization: 'Bearer plain-header-token' } }));
      const unsigned = await guarded.send(plainRequest(body, { headers: { authorization: 'Bearer plain-header-token' } }));
      expect([without.status, wrong.status, right.status, unsigned.status]).toEqual([401, 401, 200, 401]);
      await guarded.close();
    });
  });

  describe('logs', () => {
    it('write one line per card request with its id, workspace, keys and each card outcome', async () => {
      const { headers } = await post(cardsBody(['usage', 'plan-details']));
      const line = app.logs().find((l) => l.msg === 'cards request' && l.requestId === headers.get('x-request-id'));
      expect(line).toMatchObject({
        level: 30,
        workspaceId: 'w_01TEST',
        keys: ['usage', 'plan-details'],
        status: 200,
        cards: [expect.objectContaining({ key: 'usage', outcome: 'ok' }), expect.objectContaining({ key: 'plan-details', outcome: 'ok' })],
      });
      expect(typeof (line!.cards as Array<{ durationMs: number }>)[0]!.durationMs).toBe('number');
    });

    it('never contain the customer email, the signing secret or a signature', async () => {
      const request = plainRequest(cardsBody(DEMO_KEYS), { secret: SECRET });
      const signature = request.headers.get('plain-request-signature')!;
      await app.send(request);
      await post(cardsBody(['usage']), { raw: JSON.stringify(cardsBody(['usage'])) });
      const logs = app.rawLogs();
      expect(logs).not.toContain(ALEX.email);
      expect(logs).not.toContain(SECRET);
      expect(logs).not.toContain(signature);
    });
  });
});
