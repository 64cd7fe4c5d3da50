// `cardql add-source`, tried as a new user would: a URL to a card, with no code, on the demo upstream and on an API shaped unlike it.
import { once } from 'node:events';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { addMocksToSchema } from '@graphql-tools/mock';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { createYoga } from 'graphql-yoga';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteDatabase } from '../src/demo/sqlite.ts';
import { CardsResponse } from '../src/plain/cards-response.ts';
import { ALEX, ANCHOR } from './support/app.ts';
import { startTestUpstream, type TestUpstream } from './support/remote.ts';
import { runProcess, type Run } from './support/process.ts';

const BIN = resolve('bin/cardql.js');
const PROCESS_TIMEOUT_MS = 180_000;

/** A public-API-like schema: a viewer, lookups by login or by email address, connections, custom scalars. */
const FORGE_SDL = `
scalar DateTime
scalar URI
scalar HTML
type Query {
  viewer: Developer!
  developer(login: String!): Developer
  developerByEmail(emailAddress: String!, includeArchived: Boolean = false): Developer
  repository(owner: String!, name: String!): Repository
}
type Developer {
  login: String!
  displayName: String
  avatarUrl: URI!
  joinedAt: DateTime!
  bio: HTML
  isHireable: Boolean!
  followers: Int!
  repositories(first: Int = 10): RepositoryConnection!
  team: Team
}
type Team { slug: String!, name: String!, url: URI! }
type RepositoryConnection { totalCount: Int!, nodes: [Repository!]! }
type Repository { name: String!, stars: Int! }
`;

let root: string;
let databasePath: string;
let demo: TestUpstream;
let forge: Server;
let forgeUrl: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'cardql-add-source-'));
  databasePath = join(root, 'demo.sqlite');
  openSqliteDatabase({ path: databasePath, anchor: ANCHOR }).close();
  demo = await startTestUpstream();
  const mocked = addMocksToSchema({
    schema: makeExecutableSchema({ typeDefs: FORGE_SDL }),
    mocks: { DateTime: () => '2026-03-14T09:26:53Z', URI: () => 'https://forge.example/u/octo', HTML: () => '<p>Builds <b>things</b></p>', String: () => 'octo' },
  });
  forge = createServer(createYoga({ schema: mocked, graphiql: false, logging: false }));
  forge.listen(0, '127.0.0.1');
  await once(forge, 'listening');
  forgeUrl = `http://127.0.0.1:${(forge.address() as AddressInfo).port}/graphql`;
});
afterAll(async () => {
  await demo.close();
  forge.closeAllConnections();
  await new Promise((done) => forge.close(done));
  rmSync(root, { recursive: true, force: true });
});

/** A fresh checkout's codegen inputs (the cards of the repo included), in a folder of its own. */
function project(): string {
  const dir = mkdtempSync(join(root, 'project-'));
  for (const path of ['codegen.yml', 'schema.graphql', 'schemas', 'queries', 'examples/remote-demo/queries']) cpSync(resolve(path), join(dir, path), { recursive: true, dereference: true });
  symlinkSync(resolve('node_modules'), join(dir, 'node_modules'));
  mkdirSync(join(dir, 'cards'));
  return dir;
}

function run(command: string, args: string[], cwd: string, env: Record<string, string> = {}): Promise<Run> {
  const { FORCE_COLOR: _f, CARDQL_SOURCES: _s, ...inherited } = process.env;
  return runProcess(command, args, {
    cwd,
    env: { ...inherited, NODE_ENV: 'test', LOG_LEVEL: 'error', NO_COLOR: '1', CARDQL_DATABASE: databasePath, CARDQL_CARDS_DIR: 'cards', ...env },
    timeoutMs: PROCESS_TIMEOUT_MS,
  });
}

const cardql = (args: string[], cwd: string, env?: Record<string, string>) => run(process.execPath, [BIN, ...args], cwd, env);

describe.concurrent('cardql add-source: from a URL to a card in the preview, no code', () => {
  it('on the demo upstream: pins the schema, declares the source, wires codegen, and the scaffolded card renders for a customer', async () => {
    const dir = project();
    const added = await cardql(['add-source', 'billing', demo.url, '--header', 'Authorization: Bearer ${DEMO_TOKEN}'], dir, { DEMO_TOKEN: 'not-checked-by-this-upstream' });
    expect(added.stderr).toBe('');
    expect(added.code).toBe(0);
    expect(added.stdout).toMatch(/^first card: billing-customer, from customer\(…: \$email\), laid out automatically$/m);
    // The secret stays in the environment: the file holds the reference.
    expect(JSON.parse(readFileSync(join(dir, 'sources.json'), 'utf8'))).toEqual({ billing: { url: demo.url, headers: { Authorization: 'Bearer ${DEMO_TOKEN}' } } });
    expect(readFileSync(join(dir, 'schemas/billing.graphql'), 'utf8')).toMatch(/^type Customer \{/m);
    expect(readFileSync(join(dir, 'codegen.yml'), 'utf8')).toContain('  src/generated/billing.ts:\n    schema: schemas/billing.graphql\n    documents: queries/billing/*.graphql\n');

    const env = { CARDQL_SOURCES: 'sources.json', DEMO_TOKEN: 'x' };
    const rendered = await cardql(['render', 'billing-customer', '--email', ALEX.email, '--json'], dir, env);
    expect(rendered.stderr).toBe('');
    expect(rendered.code).toBe(0);
    const card = CardsResponse.parse(JSON.parse(rendered.stdout)).cards[0]!;
    expect(card.key).toBe('billing-customer');
    expect(JSON.stringify(card.components)).toContain('Alex Johnson');

    // codegen, as wired, types the new card's query without a hand edit.
    const codegen = await run(process.execPath, [resolve('node_modules/@graphql-codegen/cli/cjs/bin.js'), '--config', 'codegen.yml'], dir);
    expect(codegen.code, codegen.stderr).toBe(0);
    expect(readFileSync(join(dir, 'src/generated/billing.ts'), 'utf8')).toContain('export type BillingCustomerQuery =');
  }, PROCESS_TIMEOUT_MS);

  it('on an API shaped unlike the demo (mocked resolvers): picks the lookup by email address and renders a card', async () => {
    const dir = project();
    const added = await cardql(['add-source', 'forge', forgeUrl], dir);
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout).toMatch(/^first card: forge-developer-by-email, from developerByEmail\(…: \$email\), laid out automatically$/m);
    const query = readFileSync(join(dir, 'queries/forge/forge-developer-by-email.graphql'), 'utf8');
    expect(query).toContain('developerByEmail(emailAddress: $email) {');
    expect(query).not.toContain('repositories'); // a connection needs its own care, not a first card

    const checked = await cardql(['check'], dir, { CARDQL_SOURCES: 'sources.json' });
    expect(checked.code, checked.stdout).toBe(0);
    const rendered = await cardql(['render', 'forge-developer-by-email', '--email', 'octo@forge.example', '--json'], dir, { CARDQL_SOURCES: 'sources.json' });
    expect(rendered.code, rendered.stderr).toBe(0);
    const card = CardsResponse.parse(JSON.parse(rendered.stdout)).cards[0]!;
    expect(JSON.stringify(card.components)).toContain('octo');
  }, PROCESS_TIMEOUT_MS);

  it('refuses a name already declared, and an API it cannot reach, losing nothing', async () => {
    const dir = project();
    writeFileSync(join(dir, 'sources.json'), JSON.stringify({ forge: { url: forgeUrl } }));
    const taken = await cardql(['add-source', 'forge', forgeUrl], dir);
    expect(taken.code).toBe(2);
    expect(taken.stderr).toMatch(/sources\.json already declares a source "forge": expected a new name, or --force/);
    const unreachable = await cardql(['add-source', 'other', 'http://127.0.0.1:9/graphql'], dir);
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toMatch(/cannot introspect http:\/\/127\.0\.0\.1:9\/graphql/);
    expect(JSON.parse(readFileSync(join(dir, 'sources.json'), 'utf8'))).toEqual({ forge: { url: forgeUrl } });
    expect(existsSync(join(dir, 'schemas/other.graphql'))).toBe(false);
  }, PROCESS_TIMEOUT_MS);
});
