// A remote GraphQL source: the cards of one Plain request that run on it go out as ONE merged operation.
import { randomUUID } from 'node:crypto';
import { createBatchingExecutor } from '@graphql-tools/batch-execute';
import { GraphQLError, parse, type DocumentNode, type ExecutionResult, type GraphQLSchema } from 'graphql';
import type { RemoteSourceConfig } from '../sources/declaration.ts';
import { noTelemetry, type Telemetry } from '../telemetry.ts';
import type { Executor, RequestScope, Source } from './executor.ts';
import { createTransport, type Operation } from './remote-transport.ts';

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
  fetch?: typeof globalThis.fetch;
};

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
export function createRemoteSource({ config, schema, telemetry = noTelemetry, fetch }: RemoteSourceOptions): RemoteSource {
  const send = createTransport({ config, telemetry, ...(fetch && { fetch }) });

  const run: RemoteSource['run'] = (operation, signal = new AbortController().signal) =>
    send(operation, { requestId: randomUUID(), workspaceId: null, signal, deadlineAt: performance.now() + config.timeoutMs });

  return {
    name: config.name,
    schema,
    config,
    run,
    async ready(signal) {
      const { errors } = await run({ document: TYPENAME }, signal);
      if (errors?.length) throw new Error(errors.map((e) => e.message).join('; '));
    },
    createExecutor(scope: RequestScope): Executor {
      if (!config.merge) return ({ document, variables }) => send({ document, variables }, scope);
      // Cast: graphql-tools types its executor generically over result shapes we do not use.
      const sendMerged = ((request: ToolsRequest) => send({ document: request.document, variables: request.variables as Record<string, unknown> }, scope)) as ToolsExecutor;
      // One loader per Plain request, and every card's request is distinct: nothing to cache.
      const batching = createBatchingExecutor(sendMerged, { cache: false });
      return async ({ document, operationName, variables }) => {
        try {
          const result = await batching({ document, operationName, variables, operationType: 'query' } as ToolsRequest);
          return result as ExecutionResult;
        } catch (error) {
          // batch-execute rejects when it cannot split a result (e.g. an error path it did not prefix).
          const cause = error instanceof Error ? error : new Error(String(error));
          return { errors: [new GraphQLError(`source "${config.name}": ${cause.message}`, { originalError: cause })] };
        }
      };
    },
  };
}
