// The in-process source: executes stored queries against the local schema with per-request DataLoaders.
import { execute, GraphQLError, type DocumentNode, type ExecutionResult, type GraphQLSchema } from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import type { Database } from '../db/database.ts';
import type { Context } from '../schema/context.ts';
import { createLoaders } from '../schema/loaders.ts';
import { LOCAL_SOURCE, type Executor, type Source } from './executor.ts';

/** Runs one operation of a document with a request's context and variables. */
type Run = (contextValue: Context, variables: Record<string, unknown>) => Promise<ExecutionResult> | ExecutionResult;

/**
 * A source over an executable schema whose resolvers read `Context`; loaders are made per Plain request.
 * Stored queries are the same documents on every request, so each operation is compiled once (graphql-jit)
 * into a function specialised for its selection: half the CPU of interpreting it with graphql-js
 * `execute` each time (bench/RESULTS.md). An operation graphql-jit cannot compile runs on `execute`.
 */
export function createLocalSource({ schema, db, name = LOCAL_SOURCE }: { schema: GraphQLSchema; db: Database; name?: string }): Source {
  const compiled = new WeakMap<DocumentNode, Map<string, Run>>();
  const runnerFor = (document: DocumentNode, operationName: string): Run => {
    let byOperation = compiled.get(document);
    if (!byOperation) compiled.set(document, (byOperation = new Map()));
    let run = byOperation.get(operationName);
    if (!run) byOperation.set(operationName, (run = compile(schema, document, operationName)));
    return run;
  };
  return {
    name,
    schema,
    createExecutor() {
      const contextValue: Context = { loaders: createLoaders(db) };
      const executor: Executor = async ({ document, operationName, variables }) => {
        try {
          return await runnerFor(document, operationName)(contextValue, variables);
        } catch (error) {
          return { errors: [toGraphQLError(error)] };
        }
      };
      return executor;
    },
  };
}

function compile(schema: GraphQLSchema, document: DocumentNode, operationName: string): Run {
  let query: CompiledQuery | ExecutionResult | undefined;
  try {
    query = compileQuery(schema, document, operationName);
  } catch {
    query = undefined;
  }
  if (query && isCompiledQuery(query)) {
    const compiledQuery = query;
    return (contextValue, variables) => compiledQuery.query(undefined, contextValue, variables);
  }
  // Whatever graphql-jit refuses, graphql-js answers as it always did (errors included).
  return (contextValue, variables) => execute({ schema, document, operationName, variableValues: variables, contextValue });
}

function toGraphQLError(error: unknown): GraphQLError {
  if (error instanceof GraphQLError) return error;
  const cause = error instanceof Error ? error : new Error(String(error));
  return new GraphQLError(cause.message, { originalError: cause });
}
