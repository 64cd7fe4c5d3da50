// The in-process GraphQL schema: schema.graphql's type definitions joined to the resolvers over SQLite.
import { readFileSync } from 'node:fs';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { buildSchema, type GraphQLSchema } from 'graphql';
import { resolvers } from './resolvers.ts';

const SCHEMA_FILE = new URL('../../schema.graphql', import.meta.url);

/**
 * Builds the executable demo schema. Cheap enough to call once at startup; the data it reads
 * arrives per request, through `Context.loaders`.
 */
export function createLocalSchema(): GraphQLSchema {
  // graphql-js honours the file's `schema { query: Query }`; graphql-tools' own SDL merge would add
  // the billing `Subscription` type back as the root of subscription operations, so it gets a built schema.
  const typeDefs = buildSchema(readFileSync(SCHEMA_FILE, 'utf8'));
  return makeExecutableSchema({ typeDefs, resolvers });
}
