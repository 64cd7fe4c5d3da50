// Before the port opens: every path of POST /cards run once (the failure paths too) on stand-in sources, so the first Plain requests are not the ones paying for lazy compilation.
import { GraphQLError, Kind, parse, type DocumentNode, type FieldNode, type OperationDefinitionNode } from 'graphql';
import type { Executor, Source } from './execution/executor.ts';
import { createCardsHandler } from './http/cards-handler.ts';
import { sign } from './http/verify.ts';
import { createLogger } from './log.ts';
import { isUndiciLoaded, loadUndici, type BoundedPost } from './remote/bounded-post.ts';
import { createRemoteSource, type RemoteSource } from './remote/remote-source.ts';
import type { CardOutcome } from './resolve/card-result.ts';
import { resolveCards } from './resolve/resolve-cards.ts';
import type { Registry } from './registry/registry.ts';
import { noTelemetry } from './telemetry.ts';
import { untraced } from './tracing/tracing.ts';

/** What the warm-up went through: the statuses answered and the card outcomes made, in order. */
export type WarmUpReport = {
  statuses: number[];
  outcomes: CardOutcome[];
  preparedQueries: number;
  /** Whether the remote sources' HTTP client (undici, loaded lazily) is loaded once the warm-up is over. */
  remoteClientLoaded: boolean;
};

/** How a stand-in executor answers a card: as for an unknown customer (root fields null), with a GraphQL error, or never (the deadline's path). */
type Behaviour = 'answer' | 'fail' | 'hang';

const SECRET = 'cardql-warm-up';
const CUSTOMER = { id: 'c_WARMUP', email: 'warm-up@cardql.invalid', externalId: null };

/**
 * Runs three requests through the real handler and pipeline (signature check, zod parsing, mappers,
 * the deadline, error cards, failure logging with stack frames, JSON), on stand-ins of the sources
 * (remote ones: their own code on an HTTP call that stays in the process; see `WarmUpInput`): no source is called, nothing is logged (a discarding logger of the same configuration), nothing is
 * counted, no span recorded. Queries a source can prepare (the in-process one compiles them) are prepared first. The
 * first wave of requests after a cold start came 100–900 ms late before this (docs/operations.md).
 */
export function warmUp(input: WarmUpInput): Promise<WarmUpReport> {
  return untraced(() => run(input));
}

type WarmUpInput = {
  registry: Registry;
  sources: ReadonlyMap<string, Source>;
  /** Those of `sources` that are remote: their stand-ins are the real remote code (merging, transport, breaker) on an HTTP call that never leaves the process. */
  remote: readonly RemoteSource[];
};

async function run({ registry, sources, remote }: WarmUpInput): Promise<WarmUpReport> {
  // The HTTP client of remote sources, loaded lazily: loading it on the first wave's first call cost
  // that wave tens of ms of blocked event loop (module compilation).
  if (remote.length > 0) await loadUndici();
  let preparedQueries = 0;
  for (const card of registry.values()) {
    const prepare = sources.get(card.source)?.prepare;
    if (prepare) (prepare(card.document, card.operationName), preparedQueries++);
  }
  const report: WarmUpReport = { statuses: [], outcomes: [], preparedQueries, remoteClientLoaded: isUndiciLoaded() };
  const keys = [...registry.keys()].slice(0, 25);
  if (keys.length === 0) return report;
  let behaviourOf: (index: number) => Behaviour = () => 'answer';
  const order = new Map([...registry.values()].map((card, index) => [card.document, index]));
  const standIns = new Map([...sources].map(([name, source]) => [name, standIn(source, (document) => behaviourOf(order.get(document) ?? 0))]));
  for (const source of remote) {
    // Merged per request, so one behaviour per upstream call: answered (no data) in the first request (root fields null), hung until aborted in the second.
    const post = standInPost(() => behaviourOf(0) === 'hang' && behaviourOf(1) === 'hang');
    standIns.set(source.name, createRemoteSource({ config: source.config, schema: source.schema, post }));
  }
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
  // The hung calls are aborted once their answer is on its way: that path too, before the port opens.
  await new Promise((resolve) => setTimeout(resolve, 20));
  return report;
}

/** What a source answers for a customer it does not know: every root field of the operation null. */
function nullRoots(document: DocumentNode, operationName: string | undefined): Record<string, null> {
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION && (!operationName || d.name?.value === operationName));
  const fields = operation?.selectionSet.selections.filter((s): s is FieldNode => s.kind === Kind.FIELD) ?? [];
  return Object.fromEntries(fields.map((field) => [(field.alias ?? field.name).value, null]));
}

/** An HTTP call answering every root field null, or, while `hang()`, never: until its signal aborts it. */
function standInPost(hang: () => boolean): BoundedPost {
  return async (_url, { body, signal }) => {
    if (!hang()) {
      const { query, operationName } = JSON.parse(body) as { query: string; operationName?: string };
      const text = JSON.stringify({ data: nullRoots(parse(query), operationName) });
      return { status: 200, header: (name) => (name === 'content-type' ? 'application/json' : undefined), text };
    }
    return new Promise<never>((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }));
  };
}

/** A source with the same name and schema whose executor answers each card's query as `behaviour` says. */
function standIn(source: Source, behaviour: (document: DocumentNode) => Behaviour): Source {
  return {
    name: source.name,
    schema: source.schema,
    ...(source.mapsPartialData && { mapsPartialData: true }),
    createExecutor() {
      const executor: Executor = async ({ document, operationName }) => {
        const how = behaviour(document);
        if (how === 'hang') return new Promise<never>(() => {});
        if (how === 'fail') return { data: null, errors: [new GraphQLError('cardql warm-up: a failing source', { extensions: { code: 'UPSTREAM_FAILED' } })] };
        return { data: nullRoots(document, operationName) };
      };
      return executor;
    },
  };
}
