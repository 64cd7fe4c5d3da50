// `cardql diff` and `cardql check --live`, as processes, against real GraphQL APIs on loopback whose live schema moved on.
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createSchema, createYoga } from 'graphql-yoga';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteDatabase } from '../src/demo/sqlite.ts';
import { ANCHOR } from './support/app.ts';
import { refusedUrl } from './support/remote.ts';
import { runProcess, type Run } from './support/process.ts';

const BIN = resolve('bin/cardql.js');
/** Each process builds the app (no type-check for diff): generous on a shared machine, but bounded. */
const PROCESS_TIMEOUT_MS = 120_000;

const PINNED = `type Query {
  customer(email: String!): Customer
}
type Customer {
  fullName: String
  age: Int
  plan: Plan
}
type Plan {
  name: String
}
`;
/** The API a month later: fullName renamed, a required argument added, Plan gone. */
const MOVED_ON = `type Query {
  customer(email: String!, tenant: ID!): Customer
}
type Customer {
  name: String
  age: Int
}
`;

let root: string;
let env: Record<string, string | undefined>;
const servers: Server[] = [];

async function serveSdl(sdl: string): Promise<string> {
  const yoga = createYoga({ schema: createSchema({ typeDefs: sdl }), graphiql: false, logging: false });
  const server = createServer(yoga);
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
}

/** A sources file naming `crm` at `url`, pinned to PINNED. */
function sourcesAt(url: string): string {
  const path = join(mkdtempSync(join(root, 'sources-')), 'sources.json');
  writeFileSync(path, JSON.stringify({ crm: { url, schema: join(root, 'crm.graphql'), timeoutMs: 3000 } }));
  return path;
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'cardql-diff-'));
  const databasePath = join(root, 'demo.sqlite');
  openSqliteDatabase({ path: databasePath, anchor: ANCHOR }).close();
  writeFileSync(join(root, 'crm.graphql'), PINNED);
  mkdirSync(join(root, 'queries', 'crm'), { recursive: true });
  mkdirSync(join(root, 'cards'));
  writeFileSync(join(root, 'queries', 'crm', 'name.graphql'), 'query Name($email: String!) { customer(email: $email) { fullName } }\n');
  writeFileSync(join(root, 'queries', 'crm', 'age.graphql'), 'query Age($email: String!) { customer(email: $email) { age } }\n');
  writeFileSync(join(root, 'queries', 'crm', 'plan.graphql'), 'query PlanName($email: String!) { customer(email: $email) { plan { name } } }\n');
  const { FORCE_COLOR: _force, ...inherited } = process.env;
  env = { ...inherited, NODE_ENV: 'test', LOG_LEVEL: 'error', NO_COLOR: '1', CARDQL_DATABASE: databasePath, CARDQL_QUERIES_DIR: join(root, 'queries'), CARDQL_CARDS_DIR: join(root, 'cards') };
});
afterAll(async () => {
  for (const server of servers) server.closeAllConnections();
  await Promise.all(servers.map((server) => new Promise((done) => server.close(done))));
  rmSync(root, { recursive: true, force: true });
});

function cardql(args: string[], extra: Record<string, string>): Promise<Run> {
  return runProcess(process.execPath, [BIN, ...args], { env: { ...env, ...extra }, timeoutMs: PROCESS_TIMEOUT_MS });
}

describe.concurrent('cardql diff: which cards the live schema breaks', () => {
  it('lists each breaking change with the card keys it breaks, and exits 1', async () => {
    const { code, stdout } = await cardql(['diff'], { CARDQL_SOURCES: sourcesAt(await serveSdl(MOVED_ON)) });
    expect(code).toBe(1);
    expect(stdout).toMatch(/^source "crm": 4 breaking change\(s\), 3 card\(s\) broken$/m);
    expect(stdout).toMatch(/^ {2}Field 'fullName' was removed from object type 'Customer' \(Customer\.fullName\)\n {4}breaks: name$/m);
    expect(stdout).toMatch(/^ {2}Argument 'tenant: ID!' added to field 'Query\.customer' \(Query\.customer\.tenant\)\n {4}breaks: age, name, plan$/m);
    expect(stdout).toMatch(/^ {2}Type 'Plan' was removed \(Plan\)\n {4}breaks: plan$/m);
  }, PROCESS_TIMEOUT_MS);

  it('gives tools the same as JSON with --json', async () => {
    const { code, stdout } = await cardql(['diff', '--json'], { CARDQL_SOURCES: sourcesAt(await serveSdl(MOVED_ON)) });
    expect(code).toBe(1);
    const { sources } = JSON.parse(stdout) as { sources: Array<{ source: string; breaking: Array<{ path: string; cards: string[] }>; invalid: Array<{ key: string }> }> };
    expect(sources[0]!.source).toBe('crm');
    expect(sources[0]!.breaking.find((b) => b.path === 'Customer.fullName')!.cards).toEqual(['name']);
    expect(sources[0]!.invalid.map((c) => c.key).sort()).toEqual(['age', 'name', 'plan']);
  }, PROCESS_TIMEOUT_MS);

  it('exits 0 when the live schema is the pinned one', async () => {
    const { code, stdout } = await cardql(['diff'], { CARDQL_SOURCES: sourcesAt(await serveSdl(PINNED)) });
    expect(code).toBe(0);
    expect(stdout).toBe('source "crm": 0 breaking change(s), 0 card(s) broken\n');
  }, PROCESS_TIMEOUT_MS);

  it('exits 3 when a source cannot be introspected, saying why', async () => {
    const { code, stdout } = await cardql(['diff'], { CARDQL_SOURCES: sourcesAt(await refusedUrl()) });
    expect(code).toBe(3);
    expect(stdout).toMatch(/^source "crm": not compared, its live schema could not be read: /);
  }, PROCESS_TIMEOUT_MS);

  it('runs after the usual checks with cardql check --live', async () => {
    const { code, stdout } = await cardql(['check', '--live'], { CARDQL_SOURCES: sourcesAt(await serveSdl(MOVED_ON)) });
    expect(code).toBe(1);
    expect(stdout).toMatch(/^ok: 3 card\(s\), 0 with a mapper and 3 laid out automatically, on source\(s\) local, crm$/m);
    expect(stdout).toMatch(/^source "crm": 4 breaking change\(s\), 3 card\(s\) broken$/m);
  }, PROCESS_TIMEOUT_MS);
});
