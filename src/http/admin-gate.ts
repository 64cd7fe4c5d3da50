// Gates for what is not Plain's: the admin surfaces (GraphiQL, the preview) and /metrics. Open without
// a token only to this machine, never to another origin's page; see docs/security.md.
import { isLoopbackHost, type Exposure } from '../config.ts';
import { HttpError } from './http-error.ts';
import { verifyBearer } from './verify.ts';

export type Gate = (request: Request) => void;

type GateOptions = {
  exposure: Exposure;
  token: string | undefined;
  /** What the gate guards and the variable that opens it, for the 404 when it is off. */
  what: string;
  tokenVariable: string;
  /** Origins a browser page may call from (CARDQL_ADMIN_ORIGINS); every other cross-origin request is refused. */
  origins?: readonly string[];
};

/** Headers a reverse proxy adds: a request carrying one came from elsewhere, whatever the socket says. */
const PROXY_HEADERS = ['forwarded', 'x-forwarded-for', 'x-forwarded-host', 'x-real-ip'];

/**
 * The gate of the admin surfaces: `CARDQL_ADMIN_TOKEN` as a bearer token or as the password of the
 * browser's login prompt; without it, open only on loopback outside production (config.ts), else 404.
 * Cross-origin browser requests are refused in every mode unless their origin is allow-listed.
 */
export function createAdminGate({ exposure, token, origins }: { exposure: Exposure; token: string | undefined; origins: readonly string[] }): Gate {
  return createGate({ exposure, token, origins, what: 'GraphiQL and the preview', tokenVariable: 'CARDQL_ADMIN_TOKEN' });
}

/** The gate of /metrics: `CARDQL_METRICS_TOKEN` as a bearer token; without it, open only on loopback, else 404. */
export function createMetricsGate({ exposure, token }: { exposure: Exposure; token: string | undefined }): Gate {
  return createGate({ exposure, token, what: '/metrics', tokenVariable: 'CARDQL_METRICS_TOKEN' });
}

/** Whether a browser request comes from an origin allowed to read the answer: its own, or one listed. */
export function isAllowedOrigin(request: Request, origins: readonly string[] = []): boolean {
  const origin = request.headers.get('origin');
  if (origin !== null) return origins.includes(origin) || sameOrigin(origin, request);
  // No Origin (a plain GET): a page on another site can still ask, but only a navigation may go unchecked.
  const site = request.headers.get('sec-fetch-site');
  return site === null || site === 'same-origin' || site === 'none' || request.headers.get('sec-fetch-mode') === 'navigate';
}

function createGate({ exposure, token, what, tokenVariable, origins }: GateOptions): Gate {
  return (request) => {
    if (exposure === 'off') throw new HttpError(404, 'NOT_FOUND', `Not found: set ${tokenVariable} to enable ${what} on this interface`);
    if (origins && !isAllowedOrigin(request, origins)) {
      throw new HttpError(403, 'CROSS_ORIGIN', `Expected a request from this server's own page; list the origin in CARDQL_ADMIN_ORIGINS to allow it`);
    }
    if (exposure === 'loopback') {
      // The socket is on loopback, but a proxy on this machine, or a page whose DNS name was rebound
      // to 127.0.0.1, would bring the outside in: refuse both.
      const host = request.headers.get('host');
      const proxied = PROXY_HEADERS.some((name) => request.headers.has(name));
      if (proxied || (host !== null && !isLoopbackHost(hostname(host)))) {
        throw new HttpError(403, 'LOOPBACK_ONLY', `Expected a request from this machine to 127.0.0.1 or localhost; set ${tokenVariable} to reach ${what} from elsewhere`);
      }
      return;
    }
    // A CORS preflight carries no credentials: an allow-listed origin's preflight goes through to graphql-yoga.
    if (request.method === 'OPTIONS' && origins && request.headers.get('origin') !== null) return;
    const header = request.headers.get('authorization') ?? '';
    const basic = /^Basic\s+(.+)$/i.exec(header);
    const password = basic?.[1] ? Buffer.from(basic[1], 'base64').toString('utf8').split(':').slice(1).join(':') : undefined;
    try {
      verifyBearer(password === undefined ? header : `Bearer ${password}`, token!);
    } catch {
      throw new HttpError(401, 'UNAUTHORIZED', `Expected Authorization: Bearer <${tokenVariable}>`, {
        'www-authenticate': `Basic realm="cardql ${what}", charset="UTF-8"`,
      });
    }
  };
}

/** `host:port`, `[::1]:port` → the host alone. */
function hostname(host: string): string {
  const bracketed = /^\[([^\]]*)\](?::\d*)?$/.exec(host);
  return bracketed ? bracketed[1]! : host.replace(/:\d*$/, '');
}

function sameOrigin(origin: string, request: Request): boolean {
  try {
    const { host } = new URL(origin);
    return host === (request.headers.get('host') ?? new URL(request.url).host);
  } catch {
    return false; // `Origin: null` (a sandboxed frame, a file) and garbage
  }
}
