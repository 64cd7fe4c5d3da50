// The body a remote GraphQL source must answer with, checked before anything reads it.
import { z } from 'zod';

/** One entry of `errors`, as the GraphQL spec shapes it; unknown fields are kept. */
export const UpstreamError = z.looseObject({
  message: z.string(),
  path: z.array(z.union([z.string(), z.number()])).optional(),
  locations: z.array(z.object({ line: z.number(), column: z.number() })).optional(),
  extensions: z.record(z.string(), z.unknown()).optional(),
});
export type UpstreamError = z.infer<typeof UpstreamError>;

/** A GraphQL response: `data` (an object, or null after an error), `errors`, or both. */
export const UpstreamResponse = z
  .looseObject({
    data: z.record(z.string(), z.unknown()).nullable().optional(),
    errors: z.array(UpstreamError).optional(),
    extensions: z.record(z.string(), z.unknown()).optional(),
  })
  .refine((body) => body.data !== undefined || (body.errors?.length ?? 0) > 0, 'expected "data" or a non-empty "errors"');
export type UpstreamResponse = z.infer<typeof UpstreamResponse>;

/** Thrown while reading a body that is not a GraphQL response; the message says what was received, briefly. */
export class UpstreamResponseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UpstreamResponseError';
  }
}

/**
 * Parses and checks a response body, before anything reads it, so that a malformed
 * body is reported in our words (expected vs received) instead of failing deeper in the client.
 */
export function parseUpstreamResponse(text: string): UpstreamResponse {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // Its size and kind only: any body, an error page included, may quote a customer.
    const bytes = Buffer.byteLength(text);
    const what = /^\s*[[{]/.test(text) ? `${bytes} bytes of broken JSON` : /^\s*</.test(text) ? `${bytes} bytes of HTML or XML` : bytes === 0 ? 'an empty body' : `${bytes} bytes of text`;
    throw new UpstreamResponseError(`expected a JSON GraphQL response, received a body that is not JSON: ${what}`);
  }
  const parsed = UpstreamResponse.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.length > 0 ? `${issue.path.join('.')}: ` : ''}${issue.message}`).join('; ');
    // The shape, not the values: a malformed body may still carry customer data, which logs must not.
    throw new UpstreamResponseError(`expected a GraphQL response { data?, errors? }, received ${shapeOf(json)} (${issues})`);
  }
  return parsed.data;
}

/** `{ data: string, errors: object }`: the top-level structure of a JSON value, without its values. */
export function shapeOf(json: unknown): string {
  if (Array.isArray(json)) return `an array of ${json.length}`;
  if (json === null || typeof json !== 'object') return json === null ? 'null' : `a ${typeof json}`;
  const fields = Object.entries(json).map(([key, value]) => `${key}: ${Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value}`);
  return fields.length === 0 ? '{}' : `{ ${fields.slice(0, 8).join(', ')}${fields.length > 8 ? ', …' : ''} }`;
}
