// JSON responses, including the `{ error: { code, message } }` shape of every request-level error.
import { HttpError } from './http-error.ts';

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  });
}

export function errorResponse(error: HttpError, headers: Record<string, string> = {}): Response {
  return json({ error: { code: error.code, message: error.message } }, error.status, { ...error.headers, ...headers });
}
