// cardql's card pipeline against the handwritten server's code, in one process, no HTTP: rounds
// interleaved, CPU time per request, median over rounds. For quick before/after figures while changing
// the pipeline (the HTTP bench, `npm run bench`, is the judge). Usage: tsx bench/in-process.ts [--cards 6] [--rounds 5] [--requests 2000]
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import BetterSqlite3 from 'better-sqlite3';
import { createApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { parseCardsRequest } from '../src/http/parse-cards-request.ts';
import { cardsResponseJson } from '../src/plain/card-json.ts';
import { bindVariables } from '../src/registry/variables.ts';
import { createLogger } from '../src/log.ts';
import { cardRequests, pickCustomers } from './fixtures.ts';
import { DEMO_KEYS, MAX_KEYS, SINGLE_KEY, writeCardFolder } from './fixture-cards.ts';
import { dataFunctionFor, prepareStatements, RequestData } from './handwritten-data.ts';

const { values } = parseArgs({ options: { cards: { type: 'string', default: '6' }, rounds: { type: 'string', default: '5' }, requests: { type: 'string', default: '2000' } } });
const cardCount = Number(values.cards);
const rounds = Number(values.rounds);
const iterations = Number(values.requests);
const secret = randomBytes(16).toString('hex');
const databasePath = 'data/cardql.sqlite';
const folder = writeCardFolder(MAX_KEYS);
const keys = cardCount === 1 ? [SINGLE_KEY] : cardCount === DEMO_KEYS.length ? DEMO_KEYS : folder.keys;
const requests = cardRequests(pickCustomers(databasePath, 500), keys, secret);

const logger = createLogger('info', { write: () => {} });
const { config } = loadConfig({ NODE_ENV: 'production', CARDQL_SIGNING_SECRET: secret, CARDQL_DATABASE: databasePath, CARDQL_QUERIES_DIR: folder.queriesDir, CARDQL_CARDS_DIR: folder.cardsDir });
const app = await createApp(config, { logger });

type Mapper = { timeToLiveSeconds: number | null; map(data: unknown, context: unknown): unknown };
const sqlite = new BetterSqlite3(databasePath, { readonly: true });
const statements = prepareStatements(sqlite);
const hand = new Map<string, { data: ReturnType<typeof dataFunctionFor>; mapper: Mapper }>();
for (const key of keys) {
  const mapper = ((await import(pathToFileURL(join(folder.cardsDir, `${key}.mjs`)).href)) as { default: Mapper }).default;
  hand.set(key, { data: dataFunctionFor(folder.queries.get(key)!), mapper });
}

const parsed = requests.map(({ body }) => parseCardsRequest(Buffer.from(body)));
const variants: Record<string, (i: number) => unknown> = {
  handwritten: (i) => {
    const request = parsed[i % parsed.length]!;
    const data = new RequestData(statements, { id: request.customer.id, email: request.customer.email, externalId: request.customer.externalId ?? null });
    const cards = request.cardKeys.map((key) => {
      const card = hand.get(key)!;
      return { key, timeToLiveSeconds: card.mapper.timeToLiveSeconds, components: card.mapper.map(card.data(data), request) };
    });
    return JSON.stringify({ cards });
  },
  'handwritten data only (SQL + result objects)': (i) => {
    const request = parsed[i % parsed.length]!;
    const data = new RequestData(statements, { id: request.customer.id, email: request.customer.email, externalId: request.customer.externalId ?? null });
    return request.cardKeys.map((key) => hand.get(key)!.data(data));
  },
  'cardql queries only (local executor)': (i) => {
    const request = parsed[i % parsed.length]!;
    const executor = app.sources.get('local')!.createExecutor({ requestId: 'bench', workspaceId: null, signal: new AbortController().signal });
    return Promise.all(request.cardKeys.map((key) => {
      const card = app.registry.get(key)!;
      return executor({ document: card.document, operationName: card.operationName, variables: bindVariables(card.variables, request, null) });
    }));
  },
  // The response's JSON as the cards handler makes it (its components' text shared with the last-good store).
  'cardql resolve + response JSON': async (i) => cardsResponseJson({ cards: (await app.resolve(parsed[i % parsed.length]!)).results.map((r) => r.card) }),
  'cardql app.fetch (signature, parse, log, metrics)': async (i) => {
    const { body, headers } = requests[i % requests.length]!;
    return (await app.fetch(new Request('http://cardql.bench/cards', { method: 'POST', headers, body }))).text();
  },
};

const results = new Map<string, number[]>(Object.keys(variants).map((name) => [name, []]));
for (let round = -1; round < rounds; round++) {
  for (const [name, run] of Object.entries(variants)) {
    const started = process.cpuUsage();
    // A turn of the event loop between requests, as between two HTTP requests: cardql settles a
    // request's scope in a setImmediate, and back-to-back awaits would pile those up (and their
    // objects) until the loop ends, measuring the pile-up's garbage collection instead.
    for (let i = 0; i < iterations; i++) (await run(i), await new Promise((resolve) => setImmediate(resolve)));
    const { user, system } = process.cpuUsage(started);
    if (round >= 0) results.get(name)!.push((user + system) / iterations);
  }
}
await app.close();
const median = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1]!;
const base = median(results.get('handwritten')!);
process.stdout.write(`${cardCount} cards, ${rounds} rounds × ${iterations} sequential requests, CPU µs per request, median [min–max]\n`);
for (const [name, v] of results) process.stdout.write(`${name.padEnd(52)} ${median(v).toFixed(0).padStart(6)} [${Math.min(...v).toFixed(0)}–${Math.max(...v).toFixed(0)}]  ${(median(v) / base).toFixed(2)}×\n`);
