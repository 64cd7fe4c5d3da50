// One failing card never takes its neighbours down: error cards, the deadline, and 503 when every card fails.
import { readFileSync } from 'node:fs';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalSource } from '../src/execution/local.ts';
import { demoContext } from '../src/demo/index.ts';
import { CardsResponse } from '../src/plain/cards-response.ts';
import { resolvers } from '../src/demo/resolvers.ts';
import { cardsBody, createTestApp, plainRequest, seededDatabase, type TestApp } from './support/app.ts';

/** Long enough for the healthy card on a busy machine; the slow resolver never answers at all. */
const DEADLINE_MS = 2_000;
const FIXTURES = 'test/fixtures/failing-cards';

/** Calls of the resolver that never answers. */
let slowCalls = 0;

/** The real schema and resolvers, with Customer.company failing and Customer.orders never answering. */
function faultySchema() {
  return makeExecutableSchema({
    typeDefs: readFileSync('schema.graphql', 'utf8'),
    resolvers: [
      resolvers,
      {
        Customer: {
          company: () => {
            throw new Error('connection reset by peer (internal)');
          },
          orders: () => {
            slowCalls += 1;
            return new Promise(() => {});
          },
        },
      },
    ],
  });
}

let app: TestApp;
beforeAll(async () => {
  const db = seededDatabase();
  app = await createTestApp(
    { CARDQL_QUERIES_DIR: `${FIXTURES}/queries`, CARDQL_CARDS_DIR: `${FIXTURES}/mappers`, CARDQL_DEADLINE_MS: String(DEADLINE_MS) },
    { db, sources: [createLocalSource({ schema: faultySchema(), createContext: demoContext(db) })] },
  );
});
afterAll(() => app.close());

async function post(keys: string[]) {
  const response = await app.fetch(plainRequest(cardsBody(keys)));
  return { status: response.status, body: (await response.json()) as any };
}

describe('a failing card beside healthy ones', () => {
  it.each([
    ['its mapper throws', 'mapper-throws'],
    ['its mapper produces components Plain would reject', 'invalid-output'],
    ['a resolver of its query throws', 'resolver-throws'],
  ])('becomes a small error card when %s, and the healthy card is answered', async (_why, failing) => {
    const { status, body } = await post(['healthy', failing]);
    expect(status).toBe(200);
    const [healthy, failed] = CardsResponse.parse(body).cards;
    expect(healthy).toEqual({ key: 'healthy', timeToLiveSeconds: 60, components: [{ componentText: { text: 'Alex Johnson' } }] });
    expect(failed).toEqual({
      key: failing,
      timeToLiveSeconds: 15,
      components: [{ componentText: { text: expect.stringMatching(/^This card couldn't be loaded\. Reference: [0-9a-f]{8}$/), textSize: 'S', textColor: 'MUTED' } }],
    });
  });

  it('never shows Plain an internal message, and logs the cause under the reference it shows', async () => {
    const { body } = await post(['healthy', 'mapper-throws', 'resolver-throws']);
    expect(JSON.stringify(body)).not.toMatch(/password|hunter2|connection reset|Error/);
    expect(app.rawLogs()).not.toMatch(/hunter2|connection reset/);
    for (const card of body.cards.slice(1)) {
      const reference = /Reference: ([0-9a-f]{8})/.exec(card.components[0].componentText.text)![1];
      const logged = app.logs().find((l) => l.msg === 'card failed' && l.reference === reference);
      expect(logged, card.key).toMatchObject({ level: 50, key: card.key, err: { type: expect.any(String) } });
    }
  });
});

describe('the deadline', () => {
  it('bounds the response when a resolver is slower than the deadline: the slow card times out, the others are answered', async () => {
    const callsBefore = slowCalls;
    const { status, body } = await post(['healthy', 'slow']);
    expect(status).toBe(200);
    // The slow resolver ran and never answers: only the deadline can have ended the request.
    expect(slowCalls).toBe(callsBefore + 1);
    expect(body.cards[0].components).toEqual([{ componentText: { text: 'Alex Johnson' } }]);
    expect(body.cards[1]).toMatchObject({ key: 'slow', timeToLiveSeconds: 15 });
    expect(body.cards[1].components[0].componentText.text).toMatch(/took too long/);
    expect(app.logs().findLast((l) => l.msg === 'cards request')).toMatchObject({ cards: [{ outcome: 'ok' }, { outcome: 'timeout' }] });
  });
});

describe('when every requested card fails', () => {
  it('answers 503 so that Plain retries once and caches nothing', async () => {
    const { status, body } = await post(['mapper-throws', 'slow', 'unknown-key']);
    expect(status).toBe(503);
    expect(body.error.code).toBe('CARDS_UNAVAILABLE');
    expect(body.error.message).not.toMatch(/hunter2/);
  });
});
