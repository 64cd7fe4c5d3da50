// Where one Plain request's time goes, in-process and sequentially (no HTTP, no concurrency): the whole
// app.fetch, the pipeline alone, and the validation and serialisation steps on their own, all measured
// in the same run on the same requests, as CPU time of this process. Usage: tsx bench/stages.ts [--requests 3000]
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { createApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/log.ts';
import { parseCardsRequest } from '../src/http/parse-cards-request.ts';
import { bindVariables } from '../src/registry/variables.ts';
import { Card, CardsResponse, checkCard } from '../src/plain/cards-response.ts';
import { cardRequests, pickCustomers } from './fixtures.ts';
import { DEMO_KEYS } from './fixture-cards.ts';

const { values } = parseArgs({ options: { requests: { type: 'string', default: '3000' }, customers: { type: 'string', default: '500' } } });
const iterations = Number(values.requests);
const secret = randomBytes(16).toString('hex');
const databasePath = 'data/cardql.sqlite';
const requests = cardRequests(pickCustomers(databasePath, Number(values.customers)), DEMO_KEYS, secret);

// Logs are formatted as in production (info, JSON) and then dropped, so their cost is counted.
const logger = createLogger('info', { write: () => {} });
const { config } = loadConfig({ NODE_ENV: 'production', CARDQL_SIGNING_SECRET: secret, CARDQL_DATABASE: databasePath });
const app = await createApp(config, { logger });
const cards = DEMO_KEYS.map((key) => app.registry.get(key)!);
const parsed = requests.map(({ body }) => parseCardsRequest(Buffer.from(body)));
const responses = await Promise.all(parsed.map(async (request) => ({ cards: (await app.resolve(request)).results.map((r) => r.card) })));

type Stage = { name: string; run: (index: number) => unknown };
const stages: Stage[] = [
  {
    name: 'app.fetch: whole POST /cards (Request in, Response body read)',
    run: async (i) => {
      const { body, headers } = requests[i % requests.length]!;
      const response = await app.fetch(new Request('http://cardql.bench/cards', { method: 'POST', headers, body }));
      return response.text();
    },
  },
  { name: 'app.resolve: queries, mappers, per-card validation', run: (i) => app.resolve(parsed[i % parsed.length]!) },
  {
    name: 'the 6 stored queries alone (local executor: compiled queries, resolvers, DataLoader, SQLite)',
    run: (i) => {
      const request = parsed[i % parsed.length]!;
      const signal = new AbortController().signal;
      const executor = app.sources.get('local')!.createExecutor({ requestId: 'bench', workspaceId: null, signal });
      return Promise.all(cards.map((card) => executor({ document: card.document, operationName: card.operationName, variables: bindVariables(card.variables, request, null) })));
    },
  },
  { name: 'parse the request body (JSON + zod)', run: (i) => parseCardsRequest(Buffer.from(requests[i % requests.length]!.body)) },
  { name: 'checkCard of the 6 cards (the compiled check runCard makes)', run: (i) => responses[i % responses.length]!.cards.map((card) => checkCard(card)) },
  { name: 'Card.safeParse of the 6 cards (the interpreted schema, for its issues only)', run: (i) => responses[i % responses.length]!.cards.map((card) => Card.safeParse(card)) },
  { name: 'CardsResponse.safeParse of the response (the second pass cardql no longer makes)', run: (i) => CardsResponse.safeParse(responses[i % responses.length]) },
  { name: 'JSON.stringify of the response', run: (i) => JSON.stringify(responses[i % responses.length]) },
];

const baseline: number[] = [];
for (const round of ['warm-up', 'measured'] as const) {
  for (const [index, stage] of stages.entries()) {
    // CPU time, not wall time: on a shared machine other processes' load would count as ours.
    const started = process.cpuUsage();
    for (let i = 0; i < iterations; i++) await stage.run(i);
    const { user, system } = process.cpuUsage(started);
    const usPerRequest = (user + system) / iterations;
    if (round === 'measured') baseline[index] = usPerRequest;
  }
}
await app.close();

const whole = baseline[0]!;
process.stdout.write(`${iterations} sequential requests of ${DEMO_KEYS.length} cards, node ${process.version}\n\n| stage | CPU µs per request | share of app.fetch |\n| --- | ---: | ---: |\n`);
for (const [index, stage] of stages.entries()) {
  process.stdout.write(`| ${stage.name} | ${baseline[index]!.toFixed(0)} | ${((baseline[index]! / whole) * 100).toFixed(0)}% |\n`);
}
