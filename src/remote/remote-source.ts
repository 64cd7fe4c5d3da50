// A remote GraphQL source: the cards of one Plain request that run on it go out as ONE merged operation.
import { randomUUID } from 'node:crypto';
import { GraphQLError, parse, type DocumentNode, type ExecutionResult, type GraphQLSchema } from 'graphql';
import type { RemoteSourceConfig } from './declaration.ts';
import { noTelemetry, type Telemetry } from '../telemetry.ts';
import type { Executor, RequestScope, Source } from '../execution/executor.ts';
import { batchPerTurn, createOperationMerger, mergeVariables, splitResult } from './merged-operation.ts';
import { checkResultTypes } from './result-types.ts';
import { loggable } from '../log.ts';
import { guardTransport, type SourceGuardEvents } from './breaker.ts';
import { createTransport, type Operation } from './transport.ts';
import type { BoundedPost } from './bounded-post.ts';

export type RemoteSource = Source & {
  config: RemoteSourceConfig;
  /** Runs any operation on the source outside a card request (GraphiQL, introspection), bounded by the source's timeout. */
  run(operation: Operation, signal?: AbortSignal): Promise<ExecutionResult>;
  /** Resolves when the source answers a trivial query within its timeout; rejects saying why not. */
  ready(signal?: AbortSignal): Promise<void>;
};

export type RemoteSourceOptions = {
  config: RemoteSourceConfig;
  /** The pinned schema: stored queries are validated against it at startup. */
  schema: GraphQLSchema;
  telemetry?: Pick<Telemetry, 'upstreamRequest'>;
  /** Where the source's circuit breaker and concurrency limit report their state. */
  guardEvents?: SourceGuardEvents;
  /** The HTTP call to the source; default `boundedPost` (undici). The warm-up passes one that stays in the process. */
  post?: BoundedPost;
};

const NO_GUARD_EVENTS: SourceGuardEvents = { circuit() {}, rejected() {} };

const TYPENAME: DocumentNode = parse('query CardqlReady { __typename }');

/**
 * With `merge` (the default), the cards of one Plain request that start together go out as one
 * operation, with prefixed aliases, variables and fragments, and the result (data and errors) is
 * split back per card by path. The merged document, and so its printed text, is made once per set
 * of cards and reused: per request only the variables change. Without `merge`, each card is its own
 * HTTP request.
 */
export function createRemoteSource({ config, schema, telemetry = noTelemetry, guardEvents = NO_GUARD_EVENTS, post }: RemoteSourceOptions): RemoteSource {
  // Every request to the source, cards, GraphiQL and readiness alike, passes its breaker and limit.
  // With tracing on, every HTTP request to the source is a span and carries `traceparent` (transport.ts).
  const send = guardTransport(createTransport({ config, telemetry, ...(post && { post }) }), config.name, config, guardEvents);
  const mergedFor = createOperationMerger();

  // No deadline: the source's own timeout bounds each attempt.
  const run: RemoteSource['run'] = (operation, signal = new AbortController().signal) => send(operation, { requestId: randomUUID(), workspaceId: null, signal });

  return {
    name: config.name,
    schema,
    config,
    mapsPartialData: true,
    run,
    async ready(signal) {
      const { errors } = await run({ document: TYPENAME }, signal);
      // The errors themselves kept: the log describes each (log.ts), the message is for people.
      if (errors?.length) throw new AggregateError(errors, errors.map((e) => e.message).join('; '));
    },
    createExecutor(scope: RequestScope): Executor {
      const direct: Executor = ({ document, variables }) => send({ document, variables }, scope);
      if (!config.merge) return async (request) => retyped(request.document, await direct(request));
      // Cards that start together share one merged operation, made once per set of cards.
      return batchPerTurn(async (requests) => {
        const merged = mergedFor(requests);
        const results = splitResult(merged, await send({ document: merged.document, variables: mergeVariables(merged, requests) }, scope), config.name, MERGE_FAILED);
        // The merged request failed as a whole: each card alone may well succeed. Once, unmerged,
        // within what is left of the deadline (the transport checks it), so that one bad query fails one card.
        return Promise.all(
          results.map(async (result, index) => {
            const request = requests[index]!;
            return retyped(request.document, requests.length > 1 && failedAsAWhole(result) ? await direct(request) : result);
          }),
        );
      }, MERGE_FAILED);
    },
  };

  /** The card's data re-typed against the pinned schema: a value of the wrong shape fails the card, naming the field. */
  function retyped(document: DocumentNode, result: ExecutionResult): ExecutionResult {
    if (!result.data) return result;
    const violation = checkResultTypes(schema, document, result.data);
    if (!violation) return result;
    const message = `source "${config.name}" answered data that does not match its pinned schema at ${violation.path}: expected ${violation.expected}, received ${violation.received}`;
    // cardql's words: a path, type names and a JSON kind, never the value.
    return { errors: [loggable(new GraphQLError(message, { extensions: { code: 'UPSTREAM_TYPE_MISMATCH' } }))] };
  }
}

/** Set on the failures of a merged operation that say nothing about any one card's own query. */
const MERGE_FAILED = 'MERGED_REQUEST_FAILED';

/**
 * Whether a card's share of a merged result is a failure of the whole operation, not of its own
 * fields: an error with no path that the source sent (or a rejected operation, e.g. made invalid by
 * another card's query after drift), the merged data lost to another card's non-null root field, or
 * a result batch-execute could not split. Transport failures (network, timeout, 5xx) and calls the
 * source's guard refused (breaker open, no slot) are not: the same request again, per card, would
 * only multiply the load on a source that is struggling.
 */
function failedAsAWhole(result: ExecutionResult): boolean {
  return (result.errors ?? []).some((error) => {
    const code = error.extensions?.code;
    return code === MERGE_FAILED || code === 'UPSTREAM_REJECTED' || (!error.path?.length && !CALL_FAILED.has(String(code)));
  });
}

/** cardql's codes for a call that failed or was not made (network, timeout, 5xx; breaker open, no slot): never re-run per card. */
const CALL_FAILED = new Set(['UPSTREAM_FAILED', 'SOURCE_REFUSED']);
