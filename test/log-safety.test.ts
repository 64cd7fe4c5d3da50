// No customer data in any log line, at any level: errors are logged by what they are, not by what they say.
import { readFileSync } from 'node:fs';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { GraphQLError } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoContext } from '../src/demo/index.ts';
import { resolvers } from '../src/demo/resolvers.ts';
import { createLocalSource } from '../src/execution/local.ts';
import { createExplorer } from '../src/http/explorer.ts';
import { createLogger, describeFailure, loggable } from '../src/log.ts';
import { QueryError } from '../src/resolve/run-card.ts';
import { ALEX, cardsBody, createTestApp, plainRequest, seededDatabase, type TestApp } from './support/app.ts';

const FULL_NAME = 'Alex Johnson';
/** What must never be in a log line: the demo customer's email, name and external id. */
const CUSTOMER_DATA = [ALEX.email, FULL_NAME, ALEX.externalId];

/** The demo schema, with Customer.company failing with a message that quotes the customer, as upstreams do. */
function leakySchema() {
  return makeExecutableSchema({
    typeDefs: readFileSync('schema.graphql', 'utf8'),
    resolvers: [
      resolvers,
      {
        Customer: {
          company: (customer: { email: string; fullName: string }) => {
            throw new GraphQLError(`no company on file for ${customer.email} (${customer.fullName})`, { extensions: { code: 'COMPANY_MISSING' } });
          },
        },
      },
    ],
  });
}

describe('a card that fails with customer data in its error', () => {
  let app: TestApp;
  beforeAll(async () => {
    const db = seededDatabase();
    app = await createTestApp(
      { CARDQL_QUERIES_DIR: 'test/fixtures/leaky-cards/queries', CARDQL_CARDS_DIR: 'test/fixtures/leaky-cards/mappers' },
      { db, sources: [createLocalSource({ schema: leakySchema(), createContext: demoContext(db) })] },
    );
  });
  afterAll(() => app.close());

  it.each([
    ['its query returns data (email, name, externalId) and an error quoting the email', 'partial-data', { type: 'QueryError', key: 'partial-data', errors: [{ path: 'customer.company', code: 'COMPANY_MISSING' }] }],
    ["its mapper's JSON.parse quotes the email in a SyntaxError", 'parse-in-mapper', { type: 'SyntaxError', stack: expect.arrayContaining([expect.stringContaining('parse-in-mapper.ts')]) }],
  ])('when %s, the log says where and what kind, under the reference, and nothing of the customer', async (_what, key, err) => {
    // The only card failed: 503, its reference in the error message (else in the error card).
    const response = await app.fetch(plainRequest(cardsBody([key])));
    expect(response.status).toBe(503);
    const reference = /references: ([0-9a-f]{8})/.exec(JSON.stringify(await response.json()))![1];
    expect(app.logs().find((l) => l.msg === 'card failed' && l.reference === reference)).toMatchObject({ level: 50, key, err });
    for (const value of CUSTOMER_DATA) expect(app.rawLogs()).not.toContain(value);
  });

  it('logs nothing of the customer from the preview either, which shows the cause to the admin', async () => {
    const response = await app.fetch(
      new Request('http://127.0.0.1/preview/api/cards', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ customer: { email: ALEX.email }, cardKeys: ['partial-data'] }) }),
    );
    const body = (await response.json()) as { cards: Array<{ error: string }> };
    expect(body.cards[0]!.error).toContain(ALEX.email);
    for (const value of CUSTOMER_DATA) expect(app.rawLogs()).not.toContain(value);
  });
});

describe("GraphiQL's errors", () => {
  it('are logged without their message or the query variables', async () => {
    const lines: string[] = [];
    const explorer = createExplorer({
      schema: makeExecutableSchema({ typeDefs: 'type Query { whoami(email: String!): String }', resolvers: { Query: { whoami: (_: unknown, { email }: { email: string }) => Promise.reject(new Error(`no such user ${email}`)) } } }),
      endpoint: '/graphql',
      title: 't',
      context: () => ({}),
      logger: createLogger('trace', { write: (line: string) => void lines.push(line) }),
    });
    const response = await explorer.fetch(
      new Request('http://127.0.0.1/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: 'query($e: String!) { whoami(email: $e) }', variables: { e: ALEX.email } }) }),
    );
    expect(((await response.json()) as { errors: Array<{ message: string }> }).errors[0]!.message).toBe('Unexpected error.');
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.join('')).not.toContain(ALEX.email);
  });
});

describe('describeFailure, the err serializer of every log line', () => {
  const withCode = Object.assign(new Error(`connect ECONNREFUSED for ${ALEX.email}`), { code: 'ECONNREFUSED' });
  it.each<[string, unknown, Record<string, unknown>]>([
    ['a GraphQL result with data and errors: never the data, never the messages', new QueryError('usage', { data: { customer: { email: ALEX.email, fullName: FULL_NAME } }, errors: [new GraphQLError(`bad ${ALEX.email}`, { path: ['customer', 'usage', 0], extensions: { code: 'FORBIDDEN' } })] }), { type: 'QueryError', key: 'usage', errors: [{ path: 'customer.usage.0', code: 'FORBIDDEN' }] }],
    ['a system error: its code, not its message', withCode, { type: 'Error', code: 'ECONNREFUSED' }],
    ['a cause chain, each link described the same way', new TypeError('fetch failed', { cause: withCode }), { type: 'TypeError', cause: { type: 'Error', code: 'ECONNREFUSED' } }],
    ["cardql's own words, marked loggable", loggable(new Error('mapper for "usage" produced an invalid card: components.0: Invalid input')), { message: 'mapper for "usage" produced an invalid card: components.0: Invalid input' }],
    ['an AggregateError: each error, loggable messages only', new AggregateError([loggable(new GraphQLError('source "billing" answered HTTP 500')), new GraphQLError(ALEX.email)], ALEX.email), { type: 'AggregateError', errors: [{ message: 'source "billing" answered HTTP 500' }, {}] }],
    ['a thrown string', ALEX.email, { type: 'string' }],
    ['a name made of customer data', Object.assign(new Error('x'), { name: ALEX.email }), { type: 'Error' }],
  ])('%s', (_what, error, expected) => {
    const described = describeFailure(error);
    expect(described).toMatchObject(expected);
    for (const value of CUSTOMER_DATA) expect(JSON.stringify(described)).not.toContain(value);
  });
});
