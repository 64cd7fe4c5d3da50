// The one contract between cards and data: an executor runs a parsed, validated query and never throws.
import type { DocumentNode, ExecutionResult, GraphQLSchema } from 'graphql';

export type ExecutionRequest = {
  document: DocumentNode;
  operationName: string;
  variables: Record<string, unknown>;
};

/**
 * Runs one stored query. Failures of any kind (a resolver that throws, a network error, a bad
 * upstream response) come back as `errors` in the result, never as a rejected promise.
 */
export type Executor = (request: ExecutionRequest) => Promise<ExecutionResult>;

/** What a source knows about the Plain request it serves, for per-request state and upstream logs. */
export type RequestScope = {
  requestId: string;
  workspaceId: string | null;
  /**
   * Aborted once the Plain request is answered or its deadline passes: executors stop what they can.
   * The pipeline makes it on first read, so a source that never reads it costs no AbortController.
   */
  readonly signal: AbortSignal;
  /** When the request's deadline passes, on the `performance.now()` clock: remote sources cap their timeouts by it. Absent: only `signal` bounds the work. */
  deadlineAt?: number;
};

/** A place queries run: the in-process schema or a remote GraphQL API. */
export type Source = {
  name: string;
  /** The schema stored queries are validated against at startup. */
  schema: GraphQLSchema;
  /**
   * True: a result whose errors all sit on nullable fields that came back null is mapped as partial
   * data (`partialErrors`); remote sources, where a failing corner of a large API is routine. Absent:
   * any error fails the card; the in-process schema, where an error is a bug in its resolvers.
   */
  mapsPartialData?: boolean;
  /** Called once per Plain request: the executor it returns is shared by every card of that request. */
  createExecutor(scope: RequestScope): Executor;
  /**
   * Resolves when the source can serve queries now (e.g. its upstream answers), rejects otherwise;
   * /readyz calls it with a signal aborted after a short timeout. Sources without it are always ready.
   */
  ready?(signal: AbortSignal): Promise<void>;
  /** Does now, before the port opens, what the first run of a stored query would do lazily (the in-process source compiles it). */
  prepare?(document: DocumentNode, operationName: string): void;
};

/** The in-process schema's source name: cards run there unless they name another source. */
export const LOCAL_SOURCE = 'local';
