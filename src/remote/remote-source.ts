// A remote GraphQL source: the cards of one Plain request that run on it go out as ONE merged operation.
import { randomUUID } from 'node:crypto';
import { createBatchingExecutor } from '@graphql-tools/batch-execute';
import { loggable } from '../log.ts';
import { GraphQLError, Kind, parse, type DocumentNode, type ExecutionResult, type GraphQLSchema, type SelectionNode } from 'graphql';
import type { RemoteSourceConfig } from './declaration.ts';
import { noTelemetry, type Telemetry } from '../telemetry.ts';
import type { Executor, RequestScope, Source } from '../execution/executor.ts';
import { checkResultTypes } from './result-types.ts';
import { tracedFetch, tracingEnabled } from '../tracing/tracing.ts';
import { guardTransport, type SourceGuardEvents } from './breaker.ts';
import { createTransport, type Operation } from './transport.ts';

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
  fetch?: typeof globalThis.fetch;
};

const NO_GUARD_EVENTS: SourceGuardEvents = { circuit() {}, rejected() {} };

/** graphql-tools' executor type, named through batch-execute so that we depend on no other graphql-tools package. */
type ToolsExecutor = Parameters<typeof createBatchingExecutor>[0];
type ToolsRequest = Parameters<ToolsExecutor>[0];

const TYPENAME: DocumentNode = parse('query CardqlReady { __typename }');

/**
 * With `merge` (the default), each Plain request gets a batching executor from
 * @graphql-tools/batch-execute: every card that asks in the same tick joins one operation, with
 * prefixed aliases, variables and fragments, and the result (data and errors) is split back per
 * card by path. Without `merge`, each card is its own HTTP request.
 */
export function createRemoteSource({ config, schema, telemetry = noTelemetry, guardEvents = NO_GUARD_EVENTS, fetch }: RemoteSourceOptions): RemoteSource {
  // Every request to the source, cards, GraphiQL and readiness alike, passes its breaker and limit.
  // With tracing on, every HTTP request to the source is a span and carries `traceparent`.
  const upstreamFetch = tracingEnabled() ? tracedFetch(fetch ?? globalThis.fetch, config.name) : fetch;
  const send = guardTransport(createTransport({ config, telemetry, ...(upstreamFetch && { fetch: upstreamFetch }) }), config.name, config, guardEvents);

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
      // Cast: graphql-tools types its executor generically over result shapes we do not use.
      const sendMerged = ((request: ToolsRequest) => send({ document: request.document, variables: request.variables as Record<string, unknown> }, scope)) as ToolsExecutor;
      // One loader per Plain request, and every card's request is distinct: nothing to cache.
      const batching = createBatchingExecutor(sendMerged, { cache: false });
      // Cards that ask in the same tick share one merged operation (batch-execute's batching window).
      let batch: { size: number } | undefined;
      return async (request) => {
        const { document, operationName, variables } = request;
        const joined = (batch ??= startBatch());
        joined.size += 1;
        let result: ExecutionResult;
        try {
          result = withLostDataReported((await batching({ document, operationName, variables, operationType: 'query' } as ToolsRequest)) as ExecutionResult, document, config.name);
        } catch (error) {
          // batch-execute rejects when it cannot split a result (e.g. an error path it did not prefix).
          const cause = error instanceof Error ? error : new Error(String(error));
          result = { errors: [new GraphQLError(`source "${config.name}": ${cause.message}`, { originalError: cause, extensions: { code: MERGE_FAILED } })] };
        }
        // The merged request failed as a whole: this card alone may well succeed. Once, unmerged,
        // within what is left of the deadline (the transport checks it), so that one bad query fails one card.
        if (joined.size > 1 && failedAsAWhole(result)) result = await direct(request);
        return retyped(document, result);
      };

      function startBatch(): { size: number } {
        const started = { size: 0 };
        process.nextTick(() => {
          if (batch === started) batch = undefined;
        });
        return started;
      }
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

/**
 * In a merged operation, an error in one card's non-null root field nulls the whole `data`, and
 * batch-execute then hands the other cards an empty object with no error. Such a card failed too:
 * say so, rather than let its mapper read an absent customer as "no data".
 */
function withLostDataReported(result: ExecutionResult, document: DocumentNode, source: string): ExecutionResult {
  if (result.errors?.length) return result;
  const missing = rootResponseKeys(document).filter((key) => result.data?.[key] === undefined);
  if (missing.length === 0) return result;
  return { errors: [loggable(new GraphQLError(`source "${source}" answered without ${missing.join(', ')}: an error elsewhere in the merged operation nulled its data`, { extensions: { code: MERGE_FAILED } }))] };
}

/** The keys the operation's root fields take in `data`: aliases or names, through inline fragments and fragment spreads. */
function rootResponseKeys(document: DocumentNode): string[] {
  const fragments = new Map(document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : [])));
  const operation = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
  const keys = new Set<string>();
  const visit = (selections: readonly SelectionNode[], seen: Set<string>) => {
    for (const selection of selections) {
      // A root field under @include or @skip may be absent by design: only unconditional keys are certain.
      if (selection.directives?.some((d) => d.name.value === 'include' || d.name.value === 'skip')) continue;
      if (selection.kind === Kind.FIELD) keys.add(selection.alias?.value ?? selection.name.value);
      else if (selection.kind === Kind.INLINE_FRAGMENT) visit(selection.selectionSet.selections, seen);
      else if (!seen.has(selection.name.value)) {
        const fragment = fragments.get(selection.name.value);
        if (fragment) visit(fragment.selectionSet.selections, new Set([...seen, selection.name.value]));
      }
    }
  };
  if (operation?.kind === Kind.OPERATION_DEFINITION) visit(operation.selectionSet.selections, new Set());
  return [...keys];
}
