// CPU of re-typing a remote result against the pinned schema (src/remote/result-types.ts), per
// 6-card request: the demo cards' data for 500 customers, produced by the in-process source (the
// shape the demo upstream answers). Rounds interleaved, median [min–max]. Usage: tsx bench/result-types-cost.ts
import { randomBytes } from 'node:crypto';
import type { ExecutionResult } from 'graphql';
import { createApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { parseCardsRequest } from '../src/http/parse-cards-request.ts';
import { createLogger } from '../src/log.ts';
import { bindVariables } from '../src/registry/variables.ts';
import { checkResultTypes } from '../src/remote/result-types.ts';
import { cardRequests, pickCustomers } from './fixtures.ts';
import { DEMO_KEYS, MAX_KEYS, writeCardFolder } from './fixture-cards.ts';

const secret = randomBytes(16).toString('hex');
const databasePath = 'data/cardql.sqlite';
const folder = writeCardFolder(MAX_KEYS);
const { config } = loadConfig({ NODE_ENV: 'production', CARDQL_SIGNING_SECRET: secret, CARDQL_DATABASE: databasePath, CARDQL_QUERIES_DIR: folder.queriesDir, CARDQL_CARDS_DIR: folder.cardsDir, CARDQL_STALE_MAX_AGE_SECONDS: '0' });
const app = await createApp(config, { logger: createLogger('info', { write: () => {} }) });
const local = app.sources.get('local')!;
const cards = DEMO_KEYS.map((key) => app.registry.get(key)!);
const requests: Array<Array<{ document: (typeof cards)[number]['document']; data: Record<string, unknown> }>> = [];
for (const { body } of cardRequests(pickCustomers(databasePath, 500), DEMO_KEYS, secret)) {
  const request = parseCardsRequest(Buffer.from(body));
  const executor = local.createExecutor({ requestId: 'bench', workspaceId: null, signal: new AbortController().signal });
  const results: ExecutionResult[] = await Promise.all(cards.map((card) => executor({ document: card.document, operationName: card.operationName, variables: bindVariables(card.variables, request, null) })));
  requests.push(cards.map((card, i) => ({ document: card.document, data: (results[i]!.data ?? {}) as Record<string, unknown> })));
}
const schema = local.schema;
const N = 20_000;
const rounds: number[] = [];
for (let round = -1; round < 5; round++) {
  const started = process.cpuUsage();
  for (let i = 0; i < N; i++) for (const { document, data } of requests[i % requests.length]!) if (checkResultTypes(schema, document, data)) throw new Error('violation');
  const { user, system } = process.cpuUsage(started);
  if (round >= 0) rounds.push((user + system) / N);
}
rounds.sort((a, b) => a - b);
process.stdout.write(`checkResultTypes, 6 demo cards: ${rounds[2]!.toFixed(1)} µs per request [${rounds[0]!.toFixed(1)}–${rounds[4]!.toFixed(1)}]\n`);
await app.close();
