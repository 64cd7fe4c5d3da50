// JSON responses, including the `{ error: { code, message } }` shape of every request-level error.
import { HttpError } from './http-error.ts';

/** A JSON answer before it becomes a `Response` (app.fetch) or is written to node:http directly (POST /cards). */
export type Reply = { status: number; headers: Record<string, string>; body: string };

export function jsonReply(body: unknown, status = 200, headers: Record<string, string> = {}): Reply {
  return { status, headers: { 'content-type': 'application/json; charset=utf-8', ...headers }, body: JSON.stringify(body) };
}

export function errorReply(error: HttpError, headers: Record<string, string> = {}): Reply {
  return jsonReply({ error: { code: error.code, message: error.message } }, error.status, { ...error.headers, ...headers });
}

export function toResponse({ status, headers, body }: Reply): Response {
  return new Response(body, { status, headers });
}

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return toResponse(jsonReply(body, status, headers));
}

export function errorResponse(error: HttpError, headers: Record<string, string> = {}): Response {
  return toResponse(errorReply(error, headers));
}
