// Every answer's JSON, built here only: `{ error: { code, message } }` for every request-level error,
// whichever door (app.fetch, the node:http /cards route, node:http's own parser errors) it leaves by.
import { HttpError } from './http-error.ts';

/** A JSON answer before it becomes a `Response` (app.fetch) or is written to node:http directly. */
export type Reply = { status: number; headers: Record<string, string>; body: string };

const JSON_TYPE = { 'content-type': 'application/json; charset=utf-8' };

export function jsonReply(body: unknown, status = 200, headers: Record<string, string> = {}): Reply {
  return jsonTextReply(JSON.stringify(body), status, headers);
}

/** An answer whose JSON text is already made (the cards response: `plain/card-json.ts`). */
export function jsonTextReply(text: string, status = 200, headers: Record<string, string> = {}): Reply {
  return { status, headers: { ...JSON_TYPE, ...headers }, body: text };
}

/**
 * The reply for anything thrown while answering: an HttpError as it says, anything else a 500 whose
 * message names only `reference` (the request id, also in the log line with the cause): never a
 * message or a stack.
 */
export function errorReply(error: unknown, headers: Record<string, string> = {}, reference?: string): Reply {
  const known = error instanceof HttpError ? error : new HttpError(500, 'INTERNAL', `Unexpected error${reference ? `; reference ${reference}` : ''}`);
  return jsonReply({ error: { code: known.code, message: known.message } }, known.status, { ...known.headers, ...headers });
}

export function toResponse({ status, headers, body }: Reply): Response {
  return new Response(body, { status, headers });
}

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return toResponse(jsonReply(body, status, headers));
}

export function errorResponse(error: unknown, headers: Record<string, string> = {}, reference?: string): Response {
  return toResponse(errorReply(error, headers, reference));
}

/** The one method check: throws 405 with `Allow` unless `method` is allowed (GET allows HEAD). */
export function checkMethod(method: string, allowed: readonly string[]): void {
  if (allowed.includes(method) || (method === 'HEAD' && allowed.includes('GET'))) return;
  const allow = allowed.includes('GET') && !allowed.includes('HEAD') ? [...allowed, 'HEAD'] : allowed;
  // The method is the caller's: echoed only when it is a plain token.
  const received = /^[A-Z-]{1,20}$/.test(method) ? method : 'another method';
  throw new HttpError(405, 'METHOD_NOT_ALLOWED', `Expected ${allowed.join(' or ')}, received ${received}`, { allow: allow.join(', ') });
}
