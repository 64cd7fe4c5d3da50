// A remote GraphQL source: the cards of one Plain request that run on it go out as ONE merged operation.
import { randomUUID } from 'node:crypto';
import { GraphQLError, parse, type DocumentNode, type ExecutionResult, type GraphQLSchema } from 'graphql';
import type { RemoteSourceConfig } from './declaration.ts';
import { noTelemetry, type Telemetry } from '../telemetry.ts';
import type { Executor, RequestScope, Source } from '../execution/executor.ts';
import { batchPerTurn, createOperationMerger, mergeVariables, splitResult } from './merged-operation.ts';
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

const TYPENAME: DocumentNode = parse('query CardqlReady { __typename }');

/**
 * With `merge` (the default), the cards of one Plain request that start together go out as one
 * operation, with prefixed aliases, variables and fragments, and the result (data and errors) is
 * split back per card by path. The merged document, and so its printed text, is made once per set
 * of cards and reused: per request only the variables change. Without `merge`, each card is its own
 * HTTP request.
 */
export function createRemoteSource({ config, schema, telemetry = noTelemetry, guardEvents = NO_GUARD_EVENTS, fetch }: RemoteSourceOptions): RemoteSource {
  // Every request to the source, cards, GraphiQL and readiness alike, passes its breaker and limit.
  // With tracing on, every HTTP request to the source is a span and carries `traceparent`.
  const upstreamFetch = tracingEnabled() ? tracedFetch(fetch ?? globalThis.fetch, config.name) : fetch;
  const send = guardTransport(createTransport({ config, telemetry, ...(upstreamFetch && { fetch: upstreamFetch }) }), config.name, config, guardEvents);
  const mergedFor = createOperationMerger();

  // No deadline: the source's own timeout bounds each attempt.
  const run: RemoteSource['run'] = (operation, signal = new AbortController().signal) => send(operation, { requestId: randomUUID(), workspaceId: null, signal });

  return {
    name: config.name,
    schema,
    config,
    run,
    async ready(signal) {
      const { errors } = await run({ document: TYPENAME }, signal);
      // The errors themselves kept: the log describes each (log.ts), the message is for people.
      if (errors?.length) throw new AggregateError(errors, errors.map((e) => e.message).join('; '));
    },
    createExecutor(scope: RequestScope): Executor {
      if (!config.merge) return ({ document, variables }) => send({ document, variables }, scope);
      return batchPerTurn(async (requests) => {
        const merged = mergedFor(requests);
        return splitResult(merged, await send({ document: merged.document, variables: mergeVariables(merged, requests) }, scope), config.name);
      });
    },
  };
}
