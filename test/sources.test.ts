// Remote sources: the CARDQL_SOURCES declaration, pinned schemas, and drift of a live schema at startup.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { inspect } from 'node:util';
import { buildSchema } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';
import type { SqliteDatabase } from '../src/demo/sqlite.ts';
import { createDemoData } from '../src/demo/index.ts';
import type { Source } from '../src/execution/executor.ts';
import { loadRegistry, RegistryError } from '../src/registry/registry.ts';
import { readSourcesDeclaration, type RemoteSourceConfig } from '../src/remote/declaration.ts';
import { fetchLiveSchema, printPinnedSchema } from '../src/remote/live-schema.ts';
import { createTestApp, DEMO_KEYS, seededDatabase } from './support/app.ts';
import { cardsLayout, DEMO_SCHEMA, refusedUrl, sourcesFile, startHoldingUpstream, startTestUpstream, startYogaUpstream } from './support/remote.ts';
import { startServer } from '../src/server.ts';

/** The demo data, seeded once for this file (seeding takes seconds). */
let db: SqliteDatabase;
beforeAll(() => {
  db = seededDatabase();
});
afterAll(() => db.close());

/** The declared sources, read as the app's start reads them: the path from `loadConfig`, then the file. */
function declare(env: Record<string, string | undefined>): { sources: RemoteSourceConfig[]; warnings: string[] } {
  const { config } = loadConfig(env);
  const declared = readSourcesDeclaration(config.sourcesFile, config.environment.values());
  if (declared.problems.length > 0) throw new ConfigError(declared.problems);
  return declared;
}

/** The problems reported for a sources file holding `text`. */
function problemsFor(text: string, env: Record<string, string> = {}): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'cardql-sources-'));
  writeFileSync(join(dir, 'sources.json'), text);
  try {
    declare({ CARDQL_SOURCES: join(dir, 'sources.json'), ...env });
    return [];
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.problems.map((problem) => problem.replaceAll(join(dir, 'sources.json'), 'sources.json'));
  }
}

const entry = (fields: Record<string, unknown> = {}) => JSON.stringify({ billing: { url: 'https://billing.internal/graphql', ...fields } });

describe('the sources declaration (CARDQL_SOURCES)', () => {
  it('declares no remote source by default: every card runs in-process', () => {
    expect(loadConfig({}).config.sourcesFile).toBeUndefined();
    expect(declare({}).sources).toEqual([]);
  });

  it('reads each source with documented defaults', () => {
    const { sources } = declare({ CARDQL_SOURCES: sourcesFile({ billing: { url: 'https://billing.internal/graphql' } }) });
    expect(sources).toEqual([
      {
        name: 'billing',
        url: 'https://billing.internal/graphql',
        headers: expect.anything(),
        timeoutMs: 5000,
        merge: true,
        forwardWorkspaceId: false,
        forwardRequestId: false,
        maxResponseBytes: 1024 * 1024,
        followRedirects: 'never',
        schemaPath: 'schemas/billing.graphql',
        breaker: { failures: 5, halfOpenAfterMs: 10_000 },
        concurrency: { max: 32, queue: 256 },
      },
    ]);
  });

  it('reads a source\'s breaker and concurrency limit, and names what is wrong with them', () => {
    const { sources } = declare({ CARDQL_SOURCES: sourcesFile({ billing: { url: 'https://b.internal/graphql', breaker: { failures: 2, halfOpenAfterMs: 500 }, concurrency: { max: 4, queue: 0 } } }) });
    expect(sources[0]).toMatchObject({ breaker: { failures: 2, halfOpenAfterMs: 500 }, concurrency: { max: 4, queue: 0 } });
    expect(() => declare({ CARDQL_SOURCES: sourcesFile({ billing: { url: 'https://b.internal/graphql', breaker: { failures: 0 }, concurrency: { max: 'many' } } }) })).toThrow(
      /billing\.breaker\.failures: expected at least 1, received 0[\s\S]*billing\.concurrency\.max: expected an integer, received "many"/,
    );
  });

  it('resolves ${NAME} references in header values from the environment, and prints them only as [redacted]', () => {
    const path = sourcesFile({ billing: { url: 'https://billing.internal/graphql', headers: { Authorization: 'Bearer ${BILLING_TOKEN}', 'X-Tenant': 'acme-${REGION}' } } });
    const { config } = loadConfig({ CARDQL_SOURCES: path, BILLING_TOKEN: 'tok-8c1d', REGION: 'eu' });
    const { sources, warnings } = declare({ CARDQL_SOURCES: path, BILLING_TOKEN: 'tok-8c1d', REGION: 'eu' });
    const [billing] = sources;
    expect(billing!.headers.values()).toEqual({ Authorization: 'Bearer tok-8c1d', 'X-Tenant': 'acme-eu' });
    for (const printed of [JSON.stringify(config), inspect(config, { depth: 5 }), JSON.stringify(sources), inspect(sources, { depth: 5 }), JSON.stringify(warnings)]) {
      expect(printed).not.toContain('tok-8c1d');
    }
    expect(JSON.stringify(sources)).toContain('"Authorization":"[redacted]"');
  });

  it.each([
    ['text that is not JSON', '{ "billing": ', [/^sources\.json:1:14: expected JSON, received text that does not parse/]],
    ['JSON broken on a later line, at its line and column', '{\n  "billing": {\n    url: "https://b/graphql"\n  }\n}', [/^sources\.json:3:5: expected JSON, received text that does not parse/]],
    ['an array', '[]', [/^sources\.json: expected an object mapping each source name to .*, received \[\]/]],
    ['a source name that cannot be a folder', JSON.stringify({ Billing_API: { url: 'https://b/graphql' } }), [/^sources\.json: Billing_API: expected a source name: lowercase letters.*received "Billing_API"/]],
    ['the name of the in-process source', JSON.stringify({ local: { url: 'https://b/graphql' } }), [/^sources\.json: local: "local" is the in-process schema: choose another name, received "local"/]],
    ['no URL', JSON.stringify({ billing: {} }), [/^sources\.json: billing\.url: expected an http:\/\/ or https:\/\/ URL, received nothing/]],
    ['a URL that is not http', entry({ url: 'ftp://billing.internal' }), [/billing\.url: expected an http:\/\/ or https:\/\/ URL, received "ftp:\/\/billing\.internal"/]],
    ['a timeout longer than Plain waits', entry({ timeoutMs: 20_000 }), [/billing\.timeoutMs: expected at most 13000 ms \(Plain waits 15 s\), received 20000/]],
    ['a timeout that is not a number', entry({ timeoutMs: 'fast' }), [/billing\.timeoutMs: expected an integer number of milliseconds, received "fast"/]],
    ['a flag that is not a boolean', entry({ merge: 'yes' }), [/billing\.merge: expected true or false, received "yes"/]],
    ['a field cardql does not know', entry({ retries: 3 }), [/billing: unknown field\(s\) "retries": expected only url, headers, timeoutMs/]],
    ['a header name with a space', entry({ headers: { 'X Api': 'v' } }), [/billing\.headers\.X Api: expected an HTTP header name.*received "X Api"/]],
    ['a header value that is not a string', entry({ headers: { 'X-Api': 42 } }), [/billing\.headers\.X-Api: expected a string header value, received 42/]],
    ['a header cardql sets itself', entry({ headers: { 'Content-Type': 'text/plain' } }), [/billing\.headers\.Content-Type: cardql sets this header itself/]],
    ['a reference to a variable that is not set', entry({ headers: { Authorization: 'Bearer ${BILLING_TOKEN}' } }), [/billing\.headers\.Authorization: references \$\{BILLING_TOKEN\}: expected BILLING_TOKEN set \(non-empty\) in the environment, received nothing/]],
  ])('reports %s, saying what was expected and what was received', (_what, text, expected) => {
    expect(problemsFor(text)).toEqual(expected.map((pattern) => expect.stringMatching(pattern)));
  });

  it('reports a file that does not exist by the variable that names it', () => {
    expect(() => declare({ CARDQL_SOURCES: 'no/such/sources.json' })).toThrow(/CARDQL_SOURCES: expected a JSON file declaring remote sources, received "no\/such\/sources\.json", which does not exist/);
  });

  it('reports every problem of the file at once: its fields and its references together', () => {
    const file = sourcesFile({ billing: { url: 'ftp://x', timeoutMs: 1, headers: { Authorization: 'Bearer ${BILLING_TOKEN}' } }, crm: { url: 'https://crm/graphql', headers: { 'X-Key': '${CRM_KEY}' } } });
    let error: unknown;
    try {
      declare({ CARDQL_SOURCES: file });
    } catch (e) {
      error = e;
    }
    const problems = (error as ConfigError).problems;
    expect(problems).toHaveLength(4);
    expect(problems.join('\n')).toMatch(/billing\.url[\s\S]*billing\.timeoutMs[\s\S]*BILLING_TOKEN[\s\S]*CRM_KEY/);
  });

  it('reads no file while loading the configuration: loadConfig is pure, the app start reads it', () => {
    expect(loadConfig({ CARDQL_SOURCES: 'no/such/sources.json' }).config.sourcesFile).toBe('no/such/sources.json');
  });

  it('never echoes a header value in a problem, even a broken one', () => {
    const problems = problemsFor(entry({ headers: { Authorization: 'Bearer ${BILLING_TOKEN}' } }), { BILLING_TOKEN: 'tok-9f\nInjected: 1' });
    expect(problems).toEqual([expect.stringMatching(/expected a single-line header value, received a value containing a line break/)]);
    expect(problems.join()).not.toContain('tok-9f');
  });

  it('warns about a header that looks like a secret written in the file', () => {
    const { warnings } = declare({ CARDQL_SOURCES: sourcesFile({ billing: { url: 'https://b/graphql', headers: { Authorization: 'Bearer literal-secret' } } }) });
    expect(warnings.join('\n')).toMatch(/billing\.headers\.Authorization: this looks like a secret written in the file: reference an environment variable instead, e\.g\. "Bearer \$\{BILLING_TOKEN\}"/);
    expect(warnings.join('\n')).not.toContain('literal-secret');
  });
});

describe("a card's source is the folder of its query", () => {
  const local = buildSchema('type Query { customer(email: String): Customer } type Customer { name: String, plan: String }');
  const billing = buildSchema('type Query { account(email: String): Account } type Account { balance: Int }');
  const sources = new Map<string, Source>([
    ['local', { name: 'local', schema: local, createExecutor: () => async () => ({}) }],
    ['billing', { name: 'billing', schema: billing, createExecutor: () => async () => ({}) }],
  ]);
  const MAPPER = 'export default { timeToLiveSeconds: 60, map: () => null };\n';
  const BALANCE = 'query Balance($email: String!) { account(email: $email) { balance } }';
  const NAME = 'query Name($email: String!) { customer(email: $email) { name } }';

  /** `{ 'billing/balance.graphql': '...', 'balance.ts': '...' }`: queries under queries/, mappers under cards/. */
  async function load(files: Record<string, string>) {
    const root = mkdtempSync(join(tmpdir(), 'cardql-folders-'));
    for (const [name, text] of Object.entries(files)) {
      const path = join(root, name.endsWith('.graphql') ? 'queries' : 'cards', name);
      mkdirSync(join(path, '..'), { recursive: true });
      writeFileSync(path, text);
    }
    mkdirSync(join(root, 'queries'), { recursive: true });
    try {
      return { registry: await loadRegistry({ queriesDir: join(root, 'queries'), cardsDir: join(root, 'cards'), sources }), problems: [] };
    } catch (error) {
      if (!(error instanceof RegistryError)) throw error;
      return { registry: undefined, problems: error.problems.map((p) => p.replaceAll(`${relative(process.cwd(), root)}/`, '')) };
    }
  }

  it('runs a query at the top level in-process, and one in queries/<source>/ on that source, checked against its schema', async () => {
    const { registry, problems } = await load({ 'name.graphql': NAME, 'name.ts': MAPPER, 'billing/balance.graphql': BALANCE, 'balance.ts': MAPPER });
    expect(problems).toEqual([]);
    expect(registry!.get('name')!.source).toBe('local');
    expect(registry!.get('balance')!.source).toBe('billing');
  });

  it('chooses the source of a card with no mapper too (laid out automatically)', async () => {
    const { registry } = await load({ 'billing/balance.graphql': BALANCE });
    expect(registry!.get('balance')).toMatchObject({ source: 'billing', layout: 'automatic' });
  });

  it.each([
    ['a query checked against the schema of its folder', { 'billing/name.graphql': NAME, 'name.ts': MAPPER }, /^queries\/billing\/name\.graphql:1: Cannot query field "customer" on type "Query"\. \(source "billing"\)/],
    ['a folder that names no declared source', { 'crm/name.graphql': NAME, 'name.ts': MAPPER }, /^queries\/crm\/name\.graphql:1: the folder "crm" names no declared source: expected one of billing/],
    ['the same key in two folders', { 'balance.graphql': NAME, 'billing/balance.graphql': BALANCE }, /^queries\/billing\/balance\.graphql:1: card "balance" is already defined by queries\/balance\.graphql/],
  ])('rejects %s, as file:line', async (_what, files, expected) => {
    expect((await load(files)).problems).toContainEqual(expect.stringMatching(expected));
  });
});

/** Writes an SDL file to a temp folder and returns its path. */
function sdlFile(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'cardql-sdl-')), 'sdl.graphql');
  writeFileSync(path, text);
  return path;
}

describe('pinned schemas', () => {
  it('schemas/demo.graphql is what the demo upstream serves (run npm run schema:pull when this fails)', async () => {
    const upstream = await startTestUpstream({ db });
    try {
      const [config] = declare({ CARDQL_SOURCES: sourcesFile({ demo: { url: upstream.url } }) }).sources;
      const pinned = readFileSync(DEMO_SCHEMA, 'utf8').split('\n').slice(1).join('\n');
      expect(`${printPinnedSchema(await fetchLiveSchema(config!))}\n`).toBe(pinned);
    } finally {
      await upstream.close();
    }
  });

  it.each([
    ['missing', 'schemas/nowhere.graphql', /nowhere\.graphql: expected the pinned schema \(SDL\) of source "demo", received no file: run `npm run schema:pull -- demo`/],
    ['not SDL', 'package.json', /package\.json:2:3: expected the SDL of source "demo", received text that does not build: Syntax Error/],
    ['SDL naming a type it does not define, at its line and column', sdlFile('type Query {\n  usage: Usage\n  plan: Plan\n}\ntype Usage { seats: Int }\n'), /sdl\.graphql:3:9: invalid schema of source "demo": Unknown type "Plan"/],
    ['SDL defining a type twice, at its line and column', sdlFile('type Query { a: Int }\n\ntype Query { b: Int }\n'), /sdl\.graphql:1:6: invalid schema of source "demo": There can be only one type named "Query"/],
  ])('stop the boot when %s, saying how to get one', async (_what, schema, expected) => {
    const layout = cardsLayout({ remote: ['usage'] });
    const env = { CARDQL_SOURCES: sourcesFile({ demo: { url: await refusedUrl(), schema } }), CARDQL_QUERIES_DIR: layout.queriesDir, CARDQL_CARDS_DIR: layout.cardsDir };
    await expect(createTestApp(env, { db })).rejects.toThrow(expected);
  });

  it('let cardql start while the source is down: queries are checked against the pinned file', async () => {
    const layout = cardsLayout({ remote: DEMO_KEYS });
    const app = await createTestApp({ CARDQL_SOURCES: sourcesFile({ demo: { url: await refusedUrl(), schema: DEMO_SCHEMA } }), CARDQL_QUERIES_DIR: layout.queriesDir, CARDQL_CARDS_DIR: layout.cardsDir }, { db });
    try {
      expect([...app.registry.values()].every((card) => card.source === 'demo')).toBe(true);
      await app.checkDrift();
      expect(app.logs().find((line) => line.msg?.toString().startsWith('remote source not reachable at startup'))).toMatchObject({ level: 40, source: 'demo', err: { errors: [{ message: expect.stringMatching(/ECONNREFUSED/) }] } });
    } finally {
      await app.close();
    }
  });
});

describe('drift of a live schema at startup', () => {
  /** Starts an upstream whose schema is the demo's, edited; returns the startup logs of an app with the demo cards on it. */
  async function startupLogs(edit: (sdl: string) => string) {
    const upstream = await startYogaUpstream(buildSchema(edit(readFileSync('schema.graphql', 'utf8'))), db);
    const layout = cardsLayout({ remote: DEMO_KEYS });
    const app = await createTestApp({ CARDQL_SOURCES: sourcesFile({ demo: { url: upstream.url, schema: DEMO_SCHEMA } }), CARDQL_QUERIES_DIR: layout.queriesDir, CARDQL_CARDS_DIR: layout.cardsDir }, { db });
    await app.checkDrift();
    await Promise.all([app.close(), upstream.close()]);
    return app.logs();
  }


  it('runs after the server listens: a source that holds the introspection open does not hold the port closed', async () => {
    let answer: (() => void) | undefined;
    const introspecting = new Promise<void>((seen) => {
      answer = seen;
    });
    const upstream = await startHoldingUpstream(() => answer!(), db);
    const layout = cardsLayout({ remote: ['usage'] });
    const running = await startServer(
      { NODE_ENV: 'test', PORT: '0', LOG_LEVEL: 'silent', CARDQL_SOURCES: sourcesFile({ demo: { url: upstream.url, schema: DEMO_SCHEMA } }), CARDQL_QUERIES_DIR: layout.queriesDir, CARDQL_CARDS_DIR: layout.cardsDir },
      { local: createDemoData(db) },
    );
    try {
      // Listening already, with the introspection still unanswered: the port answers now.
      await introspecting;
      expect(upstream.answered()).toBe(0);
      expect((await fetch(`${running.url}/healthz`)).status).toBe(200);
      upstream.release();
      expect(await running.app.checkDrift()).toEqual([expect.objectContaining({ source: 'demo', status: 'checked' })]);
    } finally {
      await running.close();
      await upstream.close();
    }
  });

  it('reports a source slower than its timeout as slow, not as unreachable', async () => {
    const upstream = await startHoldingUpstream(() => {}, db);
    const layout = cardsLayout({ remote: ['usage'] });
    const app = await createTestApp({ CARDQL_SOURCES: sourcesFile({ demo: { url: upstream.url, schema: DEMO_SCHEMA, timeoutMs: 100 } }), CARDQL_QUERIES_DIR: layout.queriesDir, CARDQL_CARDS_DIR: layout.cardsDir }, { db });
    try {
      expect(await app.checkDrift()).toEqual([{ source: 'demo', status: 'slow', timeoutMs: 100 }]);
      expect(app.logs().filter((line) => /not reachable/.test(String(line.msg)))).toEqual([]);
      expect(app.logs().find((line) => line.msg?.toString().startsWith('remote source did not answer the introspection in time'))).toMatchObject({ level: 30, source: 'demo' });
    } finally {
      await app.close();
      upstream.release();
      await upstream.close();
    }
  });

  it('warns about each stored query the live schema breaks, and still starts', async () => {
    const logs = await startupLogs((sdl) => sdl.replace(/^\s*"One entry per metered feature[^\n]*\n\s*usage: \[UsageMetric!\]!$/m, ''));
    const broken = logs.filter((line) => line.msg?.toString().startsWith('the live schema of a remote source breaks a stored query'));
    expect(broken).toEqual([expect.objectContaining({ level: 40, source: 'demo', card: 'usage', problems: [expect.stringMatching(/Cannot query field "usage" on type "Customer"/)] })]);
  });

  it('mentions breaking changes no stored query uses at info level only', async () => {
    const logs = await startupLogs((sdl) => sdl.replace(/^\s*"Plain's id for this customer[^\n]*\n\s*plainCustomerId: ID$/m, ''));
    expect(logs.filter((line) => line.level === 40)).toEqual([]);
    expect(logs.find((line) => line.msg?.toString().startsWith('the live schema drifted from the pinned one'))).toMatchObject({
      level: 30,
      breakingChanges: [expect.stringMatching(/Customer\.plainCustomerId was removed/)],
    });
  });

  it('says nothing when the live schema is the pinned one', async () => {
    const logs = await startupLogs((sdl) => sdl);
    expect(logs.filter((line) => /drift|live schema/.test(String(line.msg)))).toEqual([]);
  });
});
