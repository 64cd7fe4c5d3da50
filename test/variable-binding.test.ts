// The binding rule for variables Plain may leave null, on a real API that needs a value (graphql-yoga on loopback).
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSchema, createYoga } from 'graphql-yoga';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CardsResponse } from '../src/plain/cards-response.ts';
import { ALEX, cardsBody, createTestApp, plainRequest, type TestApp } from './support/app.ts';
import { sourcesFile } from './support/remote.ts';

/** An API shaped like many: its account lookup needs an external id, never null. */
const SDL = `type Query {
  account(externalId: String!): Account
}
type Account {
  plan: String!
}
`;

let server: Server;
/** The variables of every operation the API received (introspection aside). */
const received: Array<Record<string, unknown>> = [];
let app: TestApp;

beforeAll(async () => {
  const yoga = createYoga({
    schema: createSchema({
      typeDefs: SDL,
      resolvers: { Query: { account: (_: unknown, { externalId }: { externalId: string }) => (externalId === '' ? null : { plan: `Pro (${externalId})` }) } },
    }),
    graphiql: false,
    logging: false,
  });
  // Records each operation's variables, then hands the same bytes to yoga.
  server = createServer();
  server.on('request', (request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', async () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const body = JSON.parse(text || '{}') as { query?: string; variables?: Record<string, unknown> };
      if (!body.query?.includes('__schema')) received.push(body.variables ?? {});
      const answer = await yoga.fetch('http://api.test/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: text });
      response.writeHead(answer.status, { 'content-type': 'application/json' }).end(await answer.text());
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;

  const root = mkdtempSync(join(tmpdir(), 'cardql-binding-'));
  mkdirSync(join(root, 'queries', 'accounts'), { recursive: true });
  mkdirSync(join(root, 'cards'));
  writeFileSync(join(root, 'accounts.graphql'), SDL);
  // The default satisfies the String! argument; line 3 passes the variable where a value is required.
  writeFileSync(join(root, 'queries', 'accounts', 'plan.graphql'), 'query Plan($externalId: String = "") {\n  account(\n    externalId: $externalId\n  ) { plan }\n}\n');
  app = await createTestApp({
    CARDQL_SOURCES: sourcesFile({ accounts: { url: `http://127.0.0.1:${port}/graphql`, schema: join(root, 'accounts.graphql') } }),
    CARDQL_QUERIES_DIR: join(root, 'queries'),
    CARDQL_CARDS_DIR: join(root, 'cards'),
  });
});
afterAll(async () => {
  await app?.close();
  server.closeAllConnections();
  await new Promise((done) => server.close(done));
});

async function planCard(customer: typeof ALEX | { id: string; email: string; externalId: null }) {
  const response = await app.fetch(plainRequest(cardsBody(['plan'], customer)));
  return { status: response.status, card: CardsResponse.parse(await response.json()).cards[0]! };
}

describe('a variable Plain leaves null, declared with a default', () => {
  it('is sent with its value when Plain has one', async () => {
    const { status, card } = await planCard(ALEX);
    expect(status).toBe(200);
    expect(JSON.stringify(card.components)).toContain(`Pro (${ALEX.externalId})`);
    expect(received.at(-1)).toEqual({ externalId: ALEX.externalId });
  });

  it('is left out when Plain has none, so that the default applies (an explicit null would override it and fail the card)', async () => {
    const { status, card } = await planCard({ id: 'c_NOEXTERNAL', email: 'no-external@example.com', externalId: null });
    expect(status).toBe(200);
    expect(card.components).toBeNull(); // the API found no account for "": no data, not an error card
    expect(received.at(-1)).toEqual({});
  });

  it('is a warning, at the line that uses it, since the card may show nothing for those customers', () => {
    expect(app.warnings).toEqual([
      expect.stringMatching(/queries\/accounts\/plan\.graphql:3: warning: \$externalId is null for a customer without an external id: cardql then leaves it out, so its default "" is used where String! is required/),
    ]);
  });
});
