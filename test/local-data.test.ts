// CARDQL_LOCAL_SOURCE: the demo by default, none for a remote-only deployment, or your own module.
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';
import { RegistryError } from '../src/registry/registry.ts';
import { startServer, type RunningServer } from '../src/server.ts';
import { ALEX, cardsBody, DEMO_KEYS } from './support/app.ts';
import { cardsLayout, DEMO_SCHEMA, sourcesFile, startTestUpstream, type TestUpstream } from './support/remote.ts';

let upstream: TestUpstream;
beforeAll(async () => {
  upstream = await startTestUpstream();
});
afterAll(() => upstream.close());

const post = (url: string, keys: string[]) =>
  fetch(`${url}/cards`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(cardsBody(keys, ALEX)) });

describe('CARDQL_LOCAL_SOURCE=none (remote sources only)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cardql-remote-only-'));
  const database = join(dir, 'data', 'cardql.sqlite');
  let running: RunningServer;
  beforeAll(async () => {
    const { queriesDir, cardsDir } = cardsLayout({ remote: DEMO_KEYS });
    const env = {
      NODE_ENV: 'test',
      PORT: '0',
      LOG_LEVEL: 'silent',
      CARDQL_LOCAL_SOURCE: 'none',
      CARDQL_DATABASE: database,
      CARDQL_QUERIES_DIR: queriesDir,
      CARDQL_CARDS_DIR: cardsDir,
      CARDQL_SOURCES: sourcesFile({ demo: { url: upstream.url, schema: DEMO_SCHEMA } }),
    };
    running = await startServer(env);
  });
  afterAll(() => running.close());

  it('creates and opens no database, and answers the remote cards', async () => {
    const response = await post(running.url, DEMO_KEYS);
    expect(response.status).toBe(200);
    const { cards } = (await response.json()) as { cards: Array<{ key: string; components: unknown[] | null }> };
    expect(cards.map((card) => card.key).sort()).toEqual([...DEMO_KEYS].sort());
    expect(cards.every((card) => Array.isArray(card.components) && card.components.length > 0)).toBe(true);
    expect(existsSync(database)).toBe(false);
    expect(existsSync(join(dir, 'data'))).toBe(false);
  });

  it('has no in-process source: none in readiness, no GraphiQL on /graphql', async () => {
    expect(running.app.local).toBeNull();
    expect([...running.app.sources.keys()]).toEqual(['demo']);
    const ready = (await (await fetch(`${running.url}/readyz`)).json()) as { checks: Record<string, unknown>; sources: Record<string, unknown> };
    expect(Object.keys(ready.checks).sort()).toEqual(['cards', 'shutdown']);
    // The remote source is reported, never a readiness check (docs/operations.md).
    expect(Object.keys(ready.sources)).toEqual(['demo']);
    expect((await fetch(`${running.url}/graphql`)).status).toBe(404);
  });
});

describe('a card on the in-process data when there is none', () => {
  it('stops the boot naming the card and what to do', async () => {
    const { queriesDir, cardsDir } = cardsLayout({ local: ['usage'] });
    const start = startServer({ NODE_ENV: 'test', PORT: '0', LOG_LEVEL: 'silent', CARDQL_LOCAL_SOURCE: 'none', CARDQL_QUERIES_DIR: queriesDir, CARDQL_CARDS_DIR: cardsDir });
    await expect(start).rejects.toBeInstanceOf(RegistryError);
    await expect(start).rejects.toThrow(/usage\.graphql:1: a card on the in-process data, but there is none \(CARDQL_LOCAL_SOURCE=none\)/);
  });
});

describe('CARDQL_LOCAL_SOURCE=<your module>', () => {
  it('runs the cards on the LocalData your module makes, given the validated config', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cardql-own-data-'));
    const module = join(dir, 'own-data.mjs');
    writeFileSync(
      module,
      `export default ({ config }) => ({
  typeDefs: 'type Query { greeting(email: String!): String! }',
  resolvers: { Query: { greeting: (_root, { email }, context) => context.prefix + email + ' at deadline ' + config.deadlineMs } },
  createContext: () => ({ prefix: 'hello ' }),
});\n`,
    );
    const queries = join(dir, 'queries');
    mkdirSync(queries);
    writeFileSync(join(queries, 'greeting.graphql'), 'query Greeting($email: String!) { greeting(email: $email) }\n');
    const running = await startServer({ NODE_ENV: 'test', PORT: '0', LOG_LEVEL: 'silent', CARDQL_DEADLINE_MS: '1234', CARDQL_LOCAL_SOURCE: module, CARDQL_QUERIES_DIR: queries, CARDQL_CARDS_DIR: join(dir, 'none') });
    try {
      const response = await post(running.url, ['greeting']);
      expect(response.status).toBe(200);
      expect(JSON.stringify(await response.json())).toContain(`hello ${ALEX.email} at deadline 1234`);
    } finally {
      await running.close();
    }
  });

  it('stops the boot with a configuration error when the module is missing or exports no function', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cardql-own-data-'));
    writeFileSync(join(dir, 'not-a-factory.mjs'), 'export default 42;\n');
    const env = { NODE_ENV: 'test', PORT: '0', LOG_LEVEL: 'silent' };
    await expect(startServer({ ...env, CARDQL_LOCAL_SOURCE: join(dir, 'missing.mjs') })).rejects.toThrow(/CARDQL_LOCAL_SOURCE: expected a module at .*missing\.mjs/);
    const wrong = startServer({ ...env, CARDQL_LOCAL_SOURCE: join(dir, 'not-a-factory.mjs') });
    await expect(wrong).rejects.toBeInstanceOf(ConfigError);
    await expect(wrong).rejects.toThrow(/export a function by default .* received number/);
  });
});

describe('loadConfig: CARDQL_LOCAL_SOURCE', () => {
  it.each([
    [undefined, 'demo'],
    ['demo', 'demo'],
    ['none', 'none'],
    ['src/my-data/index.ts', { module: 'src/my-data/index.ts' }],
    [resolve('x.mjs'), { module: resolve('x.mjs') }],
  ])('reads %j as %j', (value, expected) => {
    expect(loadConfig({ CARDQL_LOCAL_SOURCE: value }).config.localSource).toEqual(expected);
  });

  it('rejects anything else, saying what it expected and what it received', () => {
    expect(() => loadConfig({ CARDQL_LOCAL_SOURCE: 'postgres' })).toThrow(/CARDQL_LOCAL_SOURCE: expected demo, none, or the path of a module .*received "postgres"/);
  });
});
