// One GraphQL operation to a remote source over HTTP (undici, bounded-post.ts): timeout, at most one retry, the answer checked. Never throws.
import { setTimeout as sleep } from 'node:timers/promises';
import { GraphQLError, print, type DocumentNode, type ExecutionResult } from 'graphql';
import { loggable } from '../log.ts';
import type { RemoteSourceConfig } from './declaration.ts';
import type { Telemetry } from '../telemetry.ts';
import type { RequestScope } from '../execution/executor.ts';
import { tracedRequest, tracingEnabled } from '../tracing/tracing.ts';
import { boundedPost, UpstreamRefused, type BoundedPost, type UpstreamAnswer } from './bounded-post.ts';
import { parseUpstreamResponse, UpstreamResponseError, type UpstreamError } from './upstream-response.ts';

export type Operation = { document: DocumentNode; variables?: Record<string, unknown> };

/** Sends one operation for one Plain request; every failure comes back as `errors` without a path. */
export type Transport = (operation: Operation, scope: RequestScope) => Promise<ExecutionResult>;

export type TransportOptions = {
  config: RemoteSourceConfig;
  telemetry: Pick<Telemetry, 'upstreamRequest'>;
  /** Default: `boundedPost` on undici, with the source's limits. The warm-up passes one that never leaves the process. */
  post?: BoundedPost;
};

/** Pause before a retry when the source gave no Retry-After. */
const RETRY_DELAY_MS = 25;
/** A retry is only worth sending when at least this much of the deadline is left after the pause. */
const MIN_RETRY_BUDGET_MS = 50;
const JSON_TYPES = /application\/(graphql-response\+)?json/i;

/** What one attempt gave: a checked result, or a failure saying whether a retry may help. */
type Attempt = { result: ExecutionResult } | { failure: string; retriable: boolean; retryAfterMs?: number; rejected?: boolean };

export function createTransport({ config, telemetry, post = boundedPost({ maxResponseBytes: config.maxResponseBytes, followRedirects: config.followRedirects }) }: TransportOptions): Transport {
  // Redirects refused, bodies capped (boundedPost): docs/remote-sources.md, "What cardql refuses from a source".
  const url = new URL(config.url);
  const printed = new WeakMap<DocumentNode, string>();
  const textOf = (document: DocumentNode) => {
    let text = printed.get(document);
    if (text === undefined) printed.set(document, (text = print(document)));
    return text;
  };

  async function attempt(number: number, operation: Operation, scope: RequestScope): Promise<Attempt> {
    const left = timeLeft(scope);
    if (left <= 0 || scope.signal.aborted) return { failure: `the request's deadline passed before source "${config.name}" was called`, retriable: false };
    const controller = new AbortController();
    // Our own timer only when the source's timeout comes first: at the deadline the card is the
    // pipeline's to time out (a timeout card), and scope.signal then aborts this attempt.
    const timer = config.timeoutMs < left ? setTimeout(() => controller.abort(), config.timeoutMs) : undefined;
    const stop = () => controller.abort();
    scope.signal.addEventListener('abort', stop, { once: true });
    let answer: UpstreamAnswer | undefined;
    const started = performance.now();
    // The document has one operation, named in its text: no operationName.
    const body = JSON.stringify({ query: textOf(operation.document), variables: operation.variables });
    const send = (headers: Record<string, string>) => post(url, { headers, body, signal: controller.signal });
    try {
      const headers = headersFor(config, scope);
      answer = await (tracingEnabled() ? tracedRequest(config.name, headers, send) : send(headers));
      if (answer.status < 200 || answer.status >= 300) return httpFailure(config.name, answer);
      const type = answer.header('content-type') ?? 'no content-type';
      if (!JSON_TYPES.test(type)) return { failure: `source "${config.name}" answered HTTP ${answer.status}: expected a JSON body (application/json or application/graphql-response+json), received ${type}`, retriable: false };
      const { data, errors } = parseUpstreamResponse(answer.text);
      return { result: { data: data as ExecutionResult['data'], ...(errors && { errors: errors.map(toGraphQLError) }) } };
    } catch (error) {
      if (error instanceof UpstreamRefused) return { failure: `source "${config.name}" ${error.message}`, retriable: false };
      if (controller.signal.aborted) {
        return scope.signal.aborted
          ? { failure: `the request's deadline passed while waiting for source "${config.name}"`, retriable: false }
          : { failure: `source "${config.name}" did not answer within its ${config.timeoutMs} ms timeout`, retriable: false };
      }
      if (error instanceof UpstreamResponseError) return { failure: `source "${config.name}" answered HTTP ${answer?.status}: ${error.message}`, retriable: false };
      return { failure: `source "${config.name}" could not be reached: ${describe(error)}`, retriable: true };
    } finally {
      clearTimeout(timer);
      scope.signal.removeEventListener('abort', stop);
      telemetry.upstreamRequest({ source: config.name, status: answer?.status ?? 'network', durationMs: Math.round((performance.now() - started) * 10) / 10, attempt: number });
    }
  }

  return async function send(operation, scope) {
    try {
      const first = await attempt(1, operation, scope);
      if ('result' in first) return first.result;
      const pause = first.retryAfterMs ?? RETRY_DELAY_MS;
      if (!first.retriable) return failed(first.failure, first.rejected ? 'UPSTREAM_REJECTED' : 'UPSTREAM_FAILED');
      if (timeLeft(scope) - pause < MIN_RETRY_BUDGET_MS) return failed(`${first.failure} (not retried: the deadline leaves no room)`);
      await sleep(pause, undefined, { signal: scope.signal }).catch(() => undefined);
      const second = await attempt(2, operation, scope);
      if ('result' in second) return second.result;
      return failed(`${second.failure} (after a retry; first attempt: ${first.failure})`);
    } catch (error) {
      // Nothing above should throw; if it does, the card still fails as a value.
      return failed(`source "${config.name}": ${describe(error)}`);
    }
  };
}

function timeLeft(scope: RequestScope): number {
  return scope.deadlineAt === undefined ? Number.POSITIVE_INFINITY : scope.deadlineAt - performance.now();
}

function headersFor(config: TransportOptions['config'], scope: RequestScope): Record<string, string> {
  return {
    'content-type': 'application/json',
    accept: 'application/graphql-response+json, application/json',
    'accept-encoding': 'gzip, deflate, br',
    'user-agent': 'cardql',
    ...config.headers.values(),
    ...(config.forwardWorkspaceId && scope.workspaceId !== null && { 'plain-workspace-id': scope.workspaceId }),
    ...(config.forwardRequestId && { 'x-request-id': scope.requestId }),
  };
}

/**
 * A non-2xx answer: retriable for 5xx and 429 (after Retry-After, when it says so). Neither the
 * client's own message (it holds the variables) nor the upstream's (it may quote a customer).
 */
function httpFailure(source: string, { status, header, text }: UpstreamAnswer): Attempt {
  const failure = `source "${source}" answered HTTP ${status}`;
  const retriable = status >= 500 || status === 429;
  const retryAfterMs = retryAfter(header('retry-after') ?? null);
  // A 400/422 with GraphQL errors: the source read the operation and refused it (e.g. it does not validate).
  const rejected = (status === 400 || status === 422) && hasErrors(text);
  return { failure, retriable, ...(retryAfterMs !== undefined && { retryAfterMs }), ...(rejected && { rejected }) };
}

/** Whether a body is JSON with a non-empty `errors` array (read for nothing else). */
function hasErrors(text: string): boolean {
  try {
    const errors = (JSON.parse(text) as { errors?: unknown } | null)?.errors;
    return Array.isArray(errors) && errors.length > 0;
  } catch {
    return false;
  }
}

/** Retry-After in seconds or as an HTTP date, in milliseconds from now. */
function retryAfter(header: string | null): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function toGraphQLError({ message, path, extensions }: UpstreamError): GraphQLError {
  return new GraphQLError(message, { path: path ?? undefined, extensions: extensions ?? undefined });
}

/**
 * cardql's own words (source, status, timeout, system error code): logged whole (log.ts).
 * UPSTREAM_FAILED: the call failed (network, timeout, HTTP error, a body that is not a GraphQL
 * response); UPSTREAM_REJECTED: the source answered that it will not run this operation.
 */
function failed(message: string, code: 'UPSTREAM_FAILED' | 'UPSTREAM_REJECTED' = 'UPSTREAM_FAILED'): ExecutionResult {
  return { errors: [loggable(new GraphQLError(message, { extensions: { code } }))] };
}

/** The failure's kind and its system error code (ECONNREFUSED…): never a message that could quote a body. */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return typeof error;
  const code = (error as { code?: unknown }).code ?? (error.cause as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? `${error.name} (${code})` : error.name;
}
