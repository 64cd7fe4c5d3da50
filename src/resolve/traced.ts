// The spans the composition root adds around the pipeline: one per Plain request, one per execution on a source.
import type { Source } from '../execution/executor.ts';
import type { CardsRequest } from '../plain/cards-request.ts';
import { isFailure } from './card-result.ts';
import type { Resolution } from './resolve-cards.ts';
import { inSpan, markFailed, SpanKind } from '../tracing/tracing.ts';

/** The Plain request's span: ids and card keys, then how many cards failed or were stale. Never the customer. */
export function traceCardsRequest(request: CardsRequest, requestId: string, workspaceId: string | null, resolve: () => Promise<Resolution>): Promise<Resolution> {
  const attributes = { 'cardql.request_id': requestId, 'cardql.card.keys': request.cardKeys, ...(workspaceId !== null && { 'plain.workspace_id': workspaceId }) };
  return inSpan(
    'cards request',
    attributes,
    async (span) => {
      const resolution = await resolve();
      const failed = resolution.results.filter(isFailure).length;
      span.setAttributes({
        'cardql.cards.failed': failed,
        'cardql.cards.stale': resolution.results.filter((r) => r.outcome === 'stale').length,
        'cardql.cards.unknown': resolution.unknownKeys.length,
      });
      if (failed > 0 && failed === resolution.results.length) markFailed(span, 'every card failed');
      return resolution;
    },
    SpanKind.SERVER,
  );
}

/** The same source, each execution of a card's query on it in a span named after the source. */
export function tracedSource(source: Source): Source {
  return {
    ...source,
    createExecutor(scope) {
      const execute = source.createExecutor(scope);
      return (request) =>
        inSpan(`execute ${source.name}`, { 'cardql.source': source.name, 'graphql.operation.name': request.operationName }, async (span) => {
          const result = await execute(request);
          if (result.errors?.length) markFailed(span, `${result.errors.length} GraphQL error(s)`);
          return result;
        });
    },
  };
}
