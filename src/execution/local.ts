// The in-process source: the one extension point for your own schema and data (`LocalData`), and its executor.
import { makeExecutableSchema } from '@graphql-tools/schema';
import { buildSchema, execute, GraphQLError, type DocumentNode, type ExecutionResult, type GraphQLSchema } from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import { LOCAL_SOURCE, type Executor, type RequestScope, type Source } from './executor.ts';

/** What the preview knows of a customer found in the in-process data. */
export type KnownCustomer = {
  email: string;
  externalId: string | null;
  plainCustomerId: string | null;
  /** The customer's Plain threads the data knows, newest first, offered by the preview and `cardql render`. Absent: none known. */
  threads?: readonly KnownThread[];
};

/** A Plain thread of a known customer: sent as Plain would send it, with its tenant. */
export type KnownThread = {
  /** Plain's thread id. */
  id: string;
  externalId: string | null;
  /** A few words saying which thread it is, for a person picking one. */
  title: string;
  /** The thread's tenant, as Plain sends it; null when the thread has none. */
  tenant: { id: string; externalId: string | null } | null;
};

/**
 * The in-process data: everything cardql needs to run cards in-process on your own schema and database.
 * The demo (`src/demo/`) is one implementation; docs/your-own-data.md writes another. The engine never
 * reads a database itself: it builds the schema once, calls `createContext` once per Plain request, and
 * calls the optional hooks.
 */
// The context type is the implementation's own business: the engine only hands it from `createContext` to the resolvers.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type LocalData<TContext extends Record<string, unknown> = any> = {
  /** The schema's SDL (the demo reads schema.graphql). `schema { query: Query }` is honoured as written. */
  typeDefs: string;
  /** Resolvers for `typeDefs`, as @graphql-tools/schema takes them; they read only what `createContext` gives. */
  resolvers: NonNullable<Parameters<typeof makeExecutableSchema<TContext>>[0]['resolvers']>;
  /**
   * The context every resolver of one Plain request receives, shared by all its cards: make the request's
   * DataLoaders here, so that the cards of one request batch together and never share a cache with another.
   */
  createContext(scope: RequestScope): TContext;
  /** Resolves when the data can be read now (e.g. `SELECT 1` answers), rejects otherwise: /readyz's `source:local` check. Absent: always ready. */
  ready?(signal: AbortSignal): Promise<void>;
  /**
   * The preview's customer lookup: the customer with any of the given identifiers (external id first,
   * then email, then Plain's id), or null. Absent: the preview needs every identifier typed in.
   */
  findCustomer?(given: { id?: string; email?: string; externalId?: string }): Promise<KnownCustomer | null>;
  /** Emails the preview page suggests. Default none. */
  previewEmails?: readonly string[];
  /** Releases what the data holds (database connections); called once, after in-flight requests finished. */
  close?(): Promise<void> | void;
};

/** The executable schema of `LocalData`: built once at startup. */
export function buildLocalSchema(local: Pick<LocalData, 'typeDefs' | 'resolvers'>): GraphQLSchema {
  // graphql-js honours the SDL's `schema { query: Query }`; graphql-tools' own SDL merge would add a type
  // named `Subscription` back as the root of subscription operations, so it gets a built schema.
  return makeExecutableSchema({ typeDefs: buildSchema(local.typeDefs), resolvers: local.resolvers as never });
}

/** Runs one operation of a document with a request's context and variables. */
type Run = (contextValue: unknown, variables: Record<string, unknown>) => Promise<ExecutionResult> | ExecutionResult;

export type LocalSourceOptions = {
  schema: GraphQLSchema;
  /** Called once per Plain request; see `LocalData.createContext`. */
  createContext(scope: RequestScope): unknown;
  ready?: Source['ready'] | undefined;
  name?: string;
};

/**
 * A source over an executable schema whose context is made per Plain request.
 * Stored queries are the same documents on every request, so each operation is compiled once (graphql-jit)
 * into a function specialised for its selection, much cheaper than interpreting it with graphql-js
 * `execute` each time (docs/performance.md). An operation graphql-jit cannot compile runs on `execute`.
 */
export function createLocalSource({ schema, createContext, ready, name = LOCAL_SOURCE }: LocalSourceOptions): Source {
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
    ...(ready && { ready }),
    prepare(document, operationName) {
      runnerFor(document, operationName);
    },
    createExecutor(scope) {
      const contextValue = createContext(scope);
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
