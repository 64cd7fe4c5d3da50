// What reaches node:http before any route: request targets, Host, Expect, CONNECT and what its parser
// rejects. Every one of them gets the JSON error reply, is counted and logged (never its bytes).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from '../log.ts';
import { HttpError } from './http-error.ts';
import { errorReply, type Reply } from './respond.ts';

/** Counts one answer: route is a fixed label (`unparsed` before routing), never a raw target. */
export type Count = (route: string, status: number, durationMs: number) => void;

const HOST = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._~%!$&'()*+,;=-]+)(?::\d{1,5})?$/;

/**
 * Checks the Host header and the request target; an absolute-form target (`POST http://x/cards`,
 * which HTTP/1.1 servers must accept) becomes origin-form, its authority the Host. Returns the
 * error to answer, or undefined when the request may be routed.
 */
export function checkTarget(request: IncomingMessage): HttpError | undefined {
  const target = request.url ?? '';
  if (/^https?:\/\//i.test(target)) {
    let url: URL;
    try {
      url = new URL(target);
    } catch {
      return invalidTarget();
    }
    request.url = `${url.pathname}${url.search}`;
    request.headers.host = url.host;
  } else if (!target.startsWith('/')) {
    // `*` (OPTIONS *), an authority, garbage: cardql serves paths only.
    return invalidTarget();
  }
  const host = request.headers.host;
  if (!host) {
    // HTTP/1.0 has no Host (old health checkers): the server's own address stands in for it.
    if (request.httpVersion === '1.0') return URL.canParse(`http://localhost${request.url}`) ? undefined : invalidTarget();
    return new HttpError(400, 'MISSING_HOST', 'Expected a Host header (HTTP/1.1 requires one), received none');
  }
  // A path after a valid host always parses (the HTTP parser has already refused bad characters).
  if (!isValidHost(host)) {
    return new HttpError(400, 'INVALID_HOST', 'Expected a Host header such as cardql.example.com or 127.0.0.1:4000');
  }
  return undefined;
}

/** Hosts seen valid: Plain's requests all carry the same one, so the URL parser runs once, not per request. */
const validHosts = new Set<string>();

function isValidHost(host: string): boolean {
  if (validHosts.has(host)) return true;
  if (!HOST.test(host) || !URL.canParse(`http://${host}/`)) return false;
  if (validHosts.size < 100) validHosts.add(host);
  return true;
}

function invalidTarget(): HttpError {
  return new HttpError(400, 'INVALID_TARGET', 'Expected a request target that is a path, such as /cards');
}

/** Writes a reply on node:http; closes the connection when the request body was left unread. */
export function writeReply(request: IncomingMessage, response: ServerResponse, reply: Reply): void {
  if (response.destroyed || response.writableEnded) return;
  const headers: { [name: string]: string | number } = { ...reply.headers, 'content-length': Buffer.byteLength(reply.body) };
  // A body left unread (rejected before or while reading it) must not be read as the next request.
  if (!request.complete) headers.connection = 'close';
  response.writeHead(reply.status, headers);
  response.end(reply.body);
}

/** Answers a request refused before routing, and counts and logs it (status and code only). */
export function refuse(request: IncomingMessage, response: ServerResponse, error: HttpError, record: Count, logger: Logger): void {
  writeReply(request, response, errorReply(error));
  record('unparsed', error.status, 0);
  logger.warn({ status: error.status, code: error.code }, 'request refused before routing');
}

/** `Expect` other than `100-continue`: 417, in JSON. */
export function answerExpectation(request: IncomingMessage, response: ServerResponse, record: Count, logger: Logger): void {
  refuse(request, response, new HttpError(417, 'EXPECTATION_FAILED', 'Expected no Expect header, or Expect: 100-continue'), record, logger);
}

/** CONNECT (node:http hands it over as a raw socket): 405, in JSON, and the connection closed. */
export function answerConnect(socket: Socket, record: Count, logger: Logger): void {
  writeRaw(socket, errorReply(new HttpError(405, 'METHOD_NOT_ALLOWED', 'Expected GET or POST; cardql is not a proxy', { allow: 'GET, HEAD, POST' })), 'Method Not Allowed');
  record('unparsed', 405, 0);
  logger.warn({ status: 405, code: 'METHOD_NOT_ALLOWED' }, 'request refused before routing');
}

/**
 * Answers what node:http cannot parse (bad request line, conflicting Content-Length, oversized
 * headers, a request too slow to arrive) with the same JSON error shape as the app, instead of
 * Node's bare status line.
 */
export function answerClientError(error: NodeJS.ErrnoException, socket: Socket, record: Count, logger: Logger): void {
  // Only on a connection that has not started another response; otherwise there is nobody to answer.
  if (error.code === 'ECONNRESET' || !socket.writable || socket.bytesWritten > 0) {
    socket.destroy();
    return;
  }
  const [status, reason] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'Request Header Fields Too Large']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'Request Timeout']
        : [400, 'Bad Request'];
  const code = /^[A-Z0-9_]{1,40}$/.test(error.code ?? '') ? error.code! : 'unknown';
  const reply = errorReply(new HttpError(status, 'MALFORMED_HTTP', `Expected an HTTP/1.1 request, received one the HTTP parser rejects (${code})`));
  writeRaw(socket, reply, reason);
  record('unparsed', status, 0);
  logger.warn({ status, code: 'MALFORMED_HTTP', parserCode: code }, 'request refused before routing');
}

function writeRaw(socket: Socket, { status, headers, body }: Reply, reason: string): void {
  const lines = Object.entries({ ...headers, 'content-length': String(Buffer.byteLength(body)), connection: 'close' }).map(([name, value]) => `${name}: ${value}\r\n`);
  socket.end(`HTTP/1.1 ${status} ${reason}\r\n${lines.join('')}\r\n${body}`);
}
