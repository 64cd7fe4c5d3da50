// One POST to a remote source (undici's request on a keep-alive pool): redirects refused, the body capped while it streams, decompressed.
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';

/** A response cardql will not read: a redirect, or a body beyond the source's size cap. The message starts after `source "x" `. */
export class UpstreamRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UpstreamRefused';
  }
}

export type BoundedPostOptions = {
  /** Largest body read, counted after decompression (gzip, deflate and br are decompressed as they stream). */
  maxResponseBytes: number;
  /** `same-origin`: follow a 307/308 to the same origin (scheme, host, port), at most 3 hops. Default `never`. */
  followRedirects?: 'never' | 'same-origin';
};

/** What a source answered: status, the headers cardql reads, and the body as text (within the cap). */
export type UpstreamAnswer = { status: number; header(name: string): string | undefined; text: string };

export type BoundedPost = (url: URL, init: { headers: Record<string, string>; body: string; signal: AbortSignal }) => Promise<UpstreamAnswer>;

let undici: Promise<typeof import('undici')> | undefined;
let undiciLoaded = false;
/**
 * undici is loaded on the first call to a source, or by the warm-up when remote sources are declared
 * (`loadUndici`): a local-only cardql does not carry its 5 MB of heap, and no Plain request waits for it to load.
 */
export const loadUndici = () => (undici ??= import('undici').then((module) => ((undiciLoaded = true), module)));
/** Whether undici is loaded in this process (the warm-up's test reads it). */
export const isUndiciLoaded = () => undiciLoaded;

/** Redirects followed at most, with `followRedirects: 'same-origin'`. */
const MAX_HOPS = 3;

/**
 * A POST function for one source, with its own connection pool (kept alive between requests), such that:
 * - redirects are not followed: a 3xx fails, naming its status and Location. Following one would
 *   re-send the source's headers (its secrets) wherever the Location points, and a redirect loop
 *   would multiply upstream requests;
 * - the body is read through a counter that stops reading and closes the connection as soon as more
 *   than `maxResponseBytes` arrived, decompressed: an endless stream or a gzip bomb costs at most
 *   the cap, not memory. A declared Content-Length beyond the cap fails before any byte is read;
 * - the signal aborts the request, body included, and closes its connection.
 */
export function boundedPost({ maxResponseBytes, followRedirects = 'never' }: BoundedPostOptions): BoundedPost {
  let dispatcher: Dispatcher | undefined;
  return async (first, { headers, body, signal }) => {
    const { Agent, request } = await loadUndici();
    dispatcher ??= new Agent();
    let url = first;
    let response = await request(url, { method: 'POST', headers, body, signal, dispatcher });
    for (let hops = 0; response.statusCode >= 300 && response.statusCode < 400; hops++) {
      discard(response.body);
      const location = single(response.headers.location);
      const next = location === undefined ? undefined : safeUrl(location, url);
      // Only 307/308 keep the method and body (a POST stays a POST); only the same origin gets the headers.
      const follow = followRedirects === 'same-origin' && (response.statusCode === 307 || response.statusCode === 308) && next?.origin === url.origin && hops < MAX_HOPS;
      if (!follow) {
        const why = followRedirects === 'same-origin' ? 'cardql follows only a 307/308 to the same origin, at most 3 times' : "cardql does not follow redirects (the source's headers would go wherever it points)";
        throw new UpstreamRefused(`answered HTTP ${response.statusCode}, a redirect to ${describeLocation(location)}: ${why}; declare the URL it redirects to`);
      }
      url = next!;
      response = await request(url, { method: 'POST', headers, body, signal, dispatcher });
    }
    const { statusCode: status, headers: received } = response;
    const header = (name: string) => single(received[name]);
    const encoding = header('content-encoding')?.trim().toLowerCase();
    const declared = Number(header('content-length'));
    if (!encoding && Number.isFinite(declared) && declared > maxResponseBytes) {
      discard(response.body);
      throw new UpstreamRefused(tooLarge(status, maxResponseBytes, `declares ${declared} bytes`));
    }
    try {
      return { status, header, text: await readCapped(response.body, encoding, maxResponseBytes, status) };
    } catch (error) {
      if (error instanceof UpstreamRefused || signal.aborted) throw error;
      // A connection reset mid-body, a corrupt gzip stream: its kind and code only, never a byte of the body.
      throw new UpstreamRefused(`answered HTTP ${status} with a body that could not be read (${describe(error)})`);
    }
  };
}

/** The body as UTF-8 text, decompressed, counting decompressed bytes; past the cap both streams are destroyed (the connection with them). */
async function readCapped(body: Readable, encoding: string | undefined, cap: number, status: number): Promise<string> {
  const decoder = decompressor(encoding);
  const stream = decoder ? body.pipe(decoder) : body;
  if (decoder) body.on('error', (error) => decoder.destroy(error));
  const chunks: Buffer[] = [];
  let read = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      read += chunk.byteLength;
      if (read > cap) throw new UpstreamRefused(tooLarge(status, cap, 'sent more'));
      chunks.push(chunk);
    }
  } finally {
    if (read > cap || !body.readableEnded) discard(body);
  }
  return chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8');
}

/** gzip, deflate and br, as fetch decompresses them; any other coding is read as it came. */
function decompressor(encoding: string | undefined) {
  if (encoding === 'gzip' || encoding === 'x-gzip') return createGunzip();
  if (encoding === 'deflate') return createInflate();
  if (encoding === 'br') return createBrotliDecompress();
  return undefined;
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return typeof error;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? `${error.name} ${code}` : error.name;
}

/** Stops reading a body and closes its connection; the abort error undici then emits is expected, not a fault. */
function discard(body: Readable): void {
  body.on('error', () => undefined);
  body.destroy();
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function tooLarge(status: number, cap: number, what: string): string {
  return `answered HTTP ${status} with a body larger than its cap of ${cap} bytes (maxResponseBytes; counted decompressed): it ${what}; stopped reading`;
}

function safeUrl(location: string, base: URL): URL | undefined {
  try {
    return new URL(location, base);
  } catch {
    return undefined;
  }
}

/** The Location's origin and path: its query string may carry tokens, which logs must not. */
function describeLocation(location: string | undefined): string {
  if (location === undefined) return 'nowhere (no Location header)';
  try {
    const url = new URL(location, 'http://relative.invalid');
    return url.origin === 'http://relative.invalid' ? JSON.stringify(url.pathname) : JSON.stringify(`${url.origin}${url.pathname}`);
  } catch {
    return 'an unparseable Location';
  }
}
