// Authentication of card requests: Plain's HMAC signature over the raw body (one secret, several during
// a rotation, or one per workspace), and an optional token in any header Plain is configured to send.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { CardsAuth } from '../config.ts';
import { HttpError } from './http-error.ts';

/** Lowercase-hex HMAC-SHA256 of `body` keyed with `secret`, as Plain computes `Plain-Request-Signature`. */
export function sign(body: Uint8Array | string, secret: string): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

/**
 * Checks `Plain-Request-Signature` against the body bytes exactly as received (never a
 * re-serialisation), in constant time, against every secret in `secrets` (all of them, whatever
 * matched first, so the time does not say which). Throws 401 when it is missing or matches none.
 */
export function verifySignature(body: Uint8Array, header: string | null, secrets: string | readonly string[]): void {
  if (!header) throw unauthorized('Expected a Plain-Request-Signature header, received none');
  const received = header.trim();
  if (!/^[0-9a-fA-F]{64}$/.test(received)) {
    throw unauthorized('Expected Plain-Request-Signature to be 64 hex characters (HMAC-SHA256)');
  }
  const bytes = Buffer.from(received, 'hex');
  let matched = false;
  for (const secret of typeof secrets === 'string' ? [secrets] : secrets) {
    matched = timingSafeEqual(createHmac('sha256', secret).update(body).digest(), bytes) || matched;
  }
  if (!matched) throw unauthorized('Plain-Request-Signature does not match the body: check CARDQL_SIGNING_SECRET');
}

/**
 * The signing secrets that apply to a request from `workspaceId`: per workspace when
 * `CARDQL_WORKSPACE_SECRETS` is set (401 UNKNOWN_WORKSPACE for any other), else the global list
 * (empty: the request is not signature-checked).
 */
export function secretsFor(auth: Pick<CardsAuth, 'signingSecrets' | 'workspaceSecrets'>, workspaceId: string | null): readonly string[] {
  if (auth.workspaceSecrets.size === 0) return auth.signingSecrets;
  const secrets = workspaceId === null ? undefined : auth.workspaceSecrets.get(workspaceId);
  if (!secrets) {
    throw new HttpError(401, 'UNKNOWN_WORKSPACE', 'Expected a Plain-Workspace-Id header naming a workspace configured in CARDQL_WORKSPACE_SECRETS');
  }
  return secrets;
}

/**
 * Checks the token Plain is configured to send (`CARDQL_AUTH_HEADER`, `CARDQL_AUTH_TOKEN`) in
 * constant time. For `Authorization`, a token without a scheme is expected as `Bearer <token>`;
 * any other header carries the token as its whole value.
 */
export function verifyToken(auth: Pick<CardsAuth, 'authHeader' | 'authTokens'>, header: (name: string) => string | null): void {
  const authorization = auth.authHeader === 'authorization';
  const value = header(auth.authHeader)?.trim() ?? '';
  const received = authorization ? normaliseScheme(value) : value;
  let matched = false;
  for (const token of auth.authTokens) {
    const expected = authorization ? normaliseScheme(/\s/.test(token) ? token : `Bearer ${token}`) : token;
    matched = safeEqual(received, expected) || matched;
  }
  if (!matched) {
    const shape = auth.authHeader === 'authorization' ? 'Authorization: Bearer <token>' : `${auth.authHeader}: <token>`;
    throw new HttpError(401, 'UNAUTHORIZED', `Expected ${shape} with a valid token (CARDQL_AUTH_TOKEN)`, { 'www-authenticate': 'Bearer realm="cardql"' });
  }
}

/** Checks `Authorization: Bearer <token>` in constant time: the admin and metrics tokens. */
export function verifyBearer(header: string | null, token: string, realm = 'cardql'): void {
  const match = /^Bearer\s+(.+)$/i.exec(header?.trim() ?? '');
  if (!match?.[1] || !safeEqual(match[1], token)) {
    throw new HttpError(401, 'UNAUTHORIZED', 'Expected Authorization: Bearer <token> with a valid token', {
      'www-authenticate': `Bearer realm="${realm}"`,
    });
  }
}

/** An auth scheme is case-insensitive (`bearer x` is `Bearer x`); its credentials are not. */
function normaliseScheme(value: string): string {
  const match = /^([A-Za-z][A-Za-z0-9+.-]*)\s+(.*)$/.exec(value);
  return match ? `${match[1]!.toLowerCase()} ${match[2]}` : value;
}

/** Constant time whatever the lengths: both sides are hashed first, so only equal digests compare equal. */
function safeEqual(a: string, b: string): boolean {
  const digest = (value: string) => createHmac('sha256', 'cardql-compare').update(value).digest();
  return timingSafeEqual(digest(a), digest(b));
}

function unauthorized(message: string): HttpError {
  return new HttpError(401, 'INVALID_SIGNATURE', message);
}
