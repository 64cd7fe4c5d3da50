// Runs one card: its stored query through an executor, then its mapper, then Plain's schema as a check.
import type { ExecutionResult, GraphQLSchema } from 'graphql';
import { partialErrors, type PartialError } from './partial-data.ts';
import type { CardOutput, MapContext } from '../mapping/define-card.ts';
import { checkCard, TTL_RANGE, type Card } from '../plain/cards-response.ts';
import { describeIssues } from '../describe-issues.ts';
import { loggable } from '../log.ts';
import type { Executor } from '../execution/executor.ts';
import type { RegisteredCard } from '../registry/registry.ts';
import { inSpan, markFailed, tracingEnabled } from '../tracing/tracing.ts';
import { failedCard, isFailure, type CardResult } from './card-result.ts';

export type RunCardInput = {
  card: RegisteredCard;
  executor: Executor;
  /** The schema of the card's source when it maps partial data (which fields are nullable); undefined: any error fails the card. */
  partialDataSchema: GraphQLSchema | undefined;
  variables: Record<string, unknown>;
  context: MapContext;
};

/** Never rejects: every failure becomes an error card carrying its cause for the logs. One span per card when tracing is on. */
export function runCard(input: RunCardInput): Promise<CardResult> {
  if (!tracingEnabled()) return runUntraced(input);
  return inSpan(`card ${input.card.key}`, { 'cardql.card.key': input.card.key, 'cardql.source': input.card.source }, async (span) => {
    const result = await runUntraced(input);
    span.setAttribute('cardql.card.outcome', result.outcome);
    if (isFailure(result)) markFailed(span, result.outcome);
    return result;
  });
}

async function runUntraced({ card, executor, partialDataSchema, variables, context }: RunCardInput): Promise<CardResult> {
  const started = performance.now();
  const elapsed = () => Math.round((performance.now() - started) * 10) / 10;
  try {
    const result = await executor({ document: card.document, operationName: card.operationName, variables });
    let partial: PartialError[] | undefined;
    if (result.errors?.length) {
      // Errors only on nullable fields that came back null: the card is mapped from what came back (docs/remote-sources.md).
      partial = partialDataSchema && partialErrors(partialDataSchema, card.document, result);
      if (!partial) return failedCard(card.key, 'error', new QueryError(card.key, result), elapsed());
    }
    const output = card.definition.map(result.data ?? null, context);
    const parsed = checkCard(toCard(card.key, output, card.definition.timeToLiveSeconds));
    if (!parsed.success) {
      // Paths and zod's own words only: safe to log whole.
      const invalid = loggable(new Error(`mapper for "${card.key}" produced an invalid card: ${describeIssues(parsed.error.issues)}`));
      return failedCard(card.key, 'error', invalid, elapsed());
    }
    return { key: card.key, outcome: parsed.data.components === null ? 'no-data' : 'ok', card: parsed.data, durationMs: elapsed(), ...(partial && { partial }) };
  } catch (error) {
    return failedCard(card.key, 'error', error, elapsed());
  }
}

/** Normalises a mapper's output into a card; a TTL is rounded and kept within Plain's range. */
export function toCard(key: string, output: CardOutput, defaultTtl: number | null): Card {
  const { components, timeToLiveSeconds } =
    output === null || Array.isArray(output) ? { components: output, timeToLiveSeconds: defaultTtl } : { timeToLiveSeconds: defaultTtl, ...output };
  return { key, timeToLiveSeconds: clampTtl(timeToLiveSeconds ?? null), components };
}

function clampTtl(ttl: number | null): number | null {
  if (ttl === null || !Number.isFinite(ttl)) return null;
  return Math.min(TTL_RANGE.max, Math.max(TTL_RANGE.min, Math.round(ttl)));
}

/** GraphQL errors of one card's query, kept whole for the logs. */
export class QueryError extends Error {
  constructor(
    readonly key: string,
    readonly result: ExecutionResult,
  ) {
    super(`query for "${key}" failed: ${result.errors?.map((e) => e.message).join('; ')}`);
    this.name = 'QueryError';
  }
}
