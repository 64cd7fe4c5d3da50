// The in-process source: executes stored queries against the local schema with per-request DataLoaders.
import { execute, GraphQLError, type GraphQLSchema } from 'graphql';
import type { Database } from '../db/database.ts';
import type { Context } from '../schema/context.ts';
import { createLoaders } from '../schema/loaders.ts';
import { LOCAL_SOURCE, type Executor, type Source } from './executor.ts';

/** A source over an executable schema whose resolvers read `Context`; loaders are made per Plain request. */
export function createLocalSource({ schema, db, name = LOCAL_SOURCE }: { schema: GraphQLSchema; db: Database; name?: string }): Source {
  return {
    name,
    schema,
    createExecutor() {
      const contextValue: Context = { loaders: createLoaders(db) };
      const executor: Executor = async ({ document, operationName, variables }) => {
        try {
          return await execute({ schema, document, operationName, variableValues: variables, contextValue });
        } catch (error) {
          return { errors: [toGraphQLError(error)] };
        }
      };
      return executor;
    },
  };
}

function toGraphQLError(error: unknown): GraphQLError {
  if (error instanceof GraphQLError) return error;
  const cause = error instanceof Error ? error : new Error(String(error));
  return new GraphQLError(cause.message, { originalError: cause });
}
