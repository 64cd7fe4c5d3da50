// The fetch a remote source's transport uses: redirects refused, response bodies capped while they stream.

/** A response cardql will not read: a redirect, or a body beyond the source's size cap. The message starts after `source "x" `. */
export class UpstreamRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UpstreamRefused';
  }
}

export type BoundedFetchOptions = {
  /** Largest body read, counted after decompression (fetch decompresses gzip/br/deflate as it streams). */
  maxResponseBytes: number;
  /** Told how many body bytes were read once reading stops, for tests and telemetry. */
  onBodyRead?: (bytes: number) => void;
  /** `same-origin`: follow a 307/308 to the same origin (scheme, host, port), at most 3 hops. Default `never`. */
  followRedirects?: 'never' | 'same-origin';
};

/** Redirects followed at most, with `followRedirects: 'same-origin'`. */
const MAX_HOPS = 3;

/**
 * Wraps `fetch` so that:
 * - redirects are not followed (`redirect: 'manual'`): a 3xx fails, naming its status and
 *   Location. Following one would re-send the source's headers (its secrets) wherever the
 *   Location points, and a redirect loop would multiply upstream requests;
 * - the body is read through a counter that cancels the upstream stream as soon as more than
 *   `maxResponseBytes` arrived, decompressed: an endless stream or a gzip bomb costs at most the
 *   cap, not memory. A declared Content-Length beyond the cap fails before any byte is read.
 */
export function boundedFetch(fetch: typeof globalThis.fetch, { maxResponseBytes, onBodyRead, followRedirects = 'never' }: BoundedFetchOptions): typeof globalThis.fetch {
  return async (input, init) => {
    let url = new URL(input instanceof Request ? input.url : String(input));
    let response = await fetch(url, { ...init, redirect: 'manual' });
    for (let hops = 0; response.status >= 300 && response.status < 400; hops++) {
      await response.body?.cancel().catch(() => undefined);
      const location = response.headers.get('location');
      const next = location === null ? undefined : safeUrl(location, url);
      // Only 307/308 keep the method and body (a POST stays a POST); only the same origin gets the headers.
      const follow = followRedirects === 'same-origin' && (response.status === 307 || response.status === 308) && next?.origin === url.origin && hops < MAX_HOPS;
      if (!follow) {
        const why = followRedirects === 'same-origin' ? 'cardql follows only a 307/308 to the same origin, at most 3 times' : "cardql does not follow redirects (the source's headers would go wherever it points)";
        throw new UpstreamRefused(`answered HTTP ${response.status}, a redirect to ${describeLocation(location)}: ${why}; declare the URL it redirects to`);
      }
      url = next!;
      response = await fetch(url, { ...init, redirect: 'manual' });
    }
    if (!response.body) return response;
    const declared = Number(response.headers.get('content-length'));
    if (!response.headers.has('content-encoding') && Number.isFinite(declared) && declared > maxResponseBytes) {
      await response.body.cancel().catch(() => undefined);
      onBodyRead?.(0);
      throw new UpstreamRefused(tooLarge(response.status, maxResponseBytes, `declares ${declared} bytes`));
    }
    const reader = response.body.getReader();
    let read = 0;
    const counted = new ReadableStream<Uint8Array>(
      {
        async pull(controller) {
          const { done, value } = await reader.read();
          if (done) {
            onBodyRead?.(read);
            controller.close();
            return;
          }
          read += value.byteLength;
          if (read > maxResponseBytes) {
            onBodyRead?.(read);
            await reader.cancel().catch(() => undefined);
            controller.error(new UpstreamRefused(tooLarge(response.status, maxResponseBytes, 'sent more')));
            return;
          }
          controller.enqueue(value);
        },
        cancel(reason) {
          onBodyRead?.(read);
          return reader.cancel(reason);
        },
      },
      // Pull one chunk at a time, only when the reader asks: nothing is buffered ahead of the count.
      { highWaterMark: 0 },
    );
    return new Response(counted, { status: response.status, statusText: response.statusText, headers: response.headers });
  };
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
function describeLocation(location: string | null): string {
  if (location === null) return 'nowhere (no Location header)';
  try {
    const url = new URL(location, 'http://relative.invalid');
    return url.origin === 'http://relative.invalid' ? JSON.stringify(url.pathname) : JSON.stringify(`${url.origin}${url.pathname}`);
  } catch {
    return 'an unparseable Location';
  }
}
