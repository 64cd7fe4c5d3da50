// Before the port opens: every path of POST /cards run once (the failure paths too) on stand-in sources, so the first Plain requests are not the ones paying for lazy compilation.
import { GraphQLError, type DocumentNode } from 'graphql';
import type { Executor, Source } from './execution/executor.ts';
import { createCardsHandler } from './http/cards-handler.ts';
import { sign } from './http/verify.ts';
import { createLogger } from './log.ts';
import type { CardOutcome } from './resolve/card-result.ts';
import { resolveCards } from './resolve/resolve-cards.ts';
import type { Registry } from './registry/registry.ts';
import { noTelemetry } from './telemetry.ts';
import { untraced } from './tracing/tracing.ts';

/** What the warm-up went through: the statuses answered and the card outcomes made, in order. */
export type WarmUpReport = { statuses: number[]; outcomes: CardOutcome[]; preparedQueries: number };

/** How a stand-in executor answers a card: with no data, with a GraphQL error, or never (the deadline's path). */
type Behaviour = 'answer' | 'fail' | 'hang';

const SECRET = 'cardql-warm-up';
const CUSTOMER = { id: 'c_WARMUP', email: 'warm-up@cardql.invalid', externalId: null };

/**
 * Runs three requests through the real handler and pipeline (signature check, zod parsing, mappers,
 * the deadline, error cards, failure logging with stack frames, JSON), on stand-in executors: no
 * source is called, nothing is logged (a discarding logger of the same configuration), nothing is
 * counted, no span recorded. Queries a source can prepare (the in-process one compiles them) are prepared first. The
 * first wave of requests after a cold start came 100–900 ms late before this (docs/operations.md).
 */
export function warmUp(input: { registry: Registry; sources: ReadonlyMap<string, Source> }): Promise<WarmUpReport> {
  return untraced(() => run(input));
}

async function run({ registry, sources }: { registry: Registry; sources: ReadonlyMap<string, Source> }): Promise<WarmUpReport> {
  let preparedQueries = 0;
  for (const card of registry.values()) {
    const prepare = sources.get(card.source)?.prepare;
    if (prepare) (prepare(card.document, card.operationName), preparedQueries++);
  }
  const report: WarmUpReport = { statuses: [], outcomes: [], preparedQueries };
  const keys = [...registry.keys()].slice(0, 25);
  if (keys.length === 0) return report;
  let behaviourOf: (index: number) => Behaviour = () => 'answer';
  const order = new Map([...registry.values()].map((card, index) => [card.document, index]));
  const standIns = new Map([...sources].map(([name, source]) => [name, standIn(source, (document) => behaviourOf(order.get(document) ?? 0))]));
  const handler = createCardsHandler({
    config: { cardsAuth: { signingSecrets: [SECRET], workspaceSecrets: new Map(), authHeader: 'authorization', authTokens: [] } },
    resolve: async (request, scope) => {
      const resolution = await resolveCards({ registry, sources: standIns, request, ...scope, deadlineMs: 50 });
      report.outcomes.push(...resolution.results.map((result) => result.outcome));
      return resolution;
    },
    logger: createLogger('info', { write() {} }),
    telemetry: noTelemetry,
  });
  const send = async (signature?: string) => {
    const body = new TextEncoder().encode(JSON.stringify({ cardKeys: keys, customer: CUSTOMER }));
    const headers: Record<string, string> = { 'content-type': 'application/json', 'plain-workspace-id': 'w_WARMUP', 'plain-request-signature': signature ?? sign(body, SECRET) };
    const reply = await handler.answer({ method: 'POST', header: (name) => headers[name] ?? null, readBody: async () => body });
    report.statuses.push(reply.status);
  };
  // Answered, failed and timed-out cards in one 200; every card timed out (503); a bad signature (401).
  behaviourOf = (index) => (['answer', 'fail', 'hang'] as const)[index % 3]!;
  await send();
  behaviourOf = () => 'hang';
  await send();
  await send('0'.repeat(64));
  return report;
}

/** A source with the same name and schema whose executor answers each card's query as `behaviour` says. */
function standIn(source: Source, behaviour: (document: DocumentNode) => Behaviour): Source {
  return {
    name: source.name,
    schema: source.schema,
    ...(source.mapsPartialData && { mapsPartialData: true }),
    createExecutor() {
      const executor: Executor = async ({ document }) => {
        const how = behaviour(document);
        if (how === 'hang') return new Promise<never>(() => {});
        if (how === 'fail') return { data: null, errors: [new GraphQLError('cardql warm-up: a failing source', { extensions: { code: 'UPSTREAM_FAILED' } })] };
        return { data: null };
      };
      return executor;
    },
  };
}
