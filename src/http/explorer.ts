// GraphiQL (graphql-yoga) over a schema, to explore the data cards are built from. Gated by the caller.
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { GraphQLSchema } from 'graphql';
import { createYoga, type GraphiQLOptions, type Plugin, type YogaServerInstance } from 'graphql-yoga';
import type { Logger } from '../log.ts';
import { HttpError } from './http-error.ts';
import { errorResponse } from './respond.ts';
import type { Route } from './route.ts';

export type ExplorerOptions<TContext extends Record<string, unknown>> = {
  schema: GraphQLSchema;
  /** The path GraphiQL and its GraphQL endpoint live at, e.g. `/graphql`. */
  endpoint: string;
  title: string;
  /** Builds the context of one explorer request, e.g. fresh DataLoaders. */
  context: () => TContext;
  logger: Logger;
  /** graphql-yoga plugins, e.g. one that sends operations to a remote source instead of executing them here. */
  plugins?: Plugin[];
  /** Other origins whose pages may call this endpoint (CARDQL_ADMIN_ORIGINS); none by default: no CORS at all. */
  origins?: readonly string[];
};

export type Explorer = YogaServerInstance<Record<string, unknown>, Record<string, unknown>>;

export function createExplorer<TContext extends Record<string, unknown>>({ schema, endpoint, title, context, logger, plugins = [], origins = [] }: ExplorerOptions<TContext>): Explorer {
  const isError = (value: unknown) => value instanceof Error;
  return createYoga({
    schema,
    plugins,
    // graphql-yoga's default CORS echoes any Origin with credentials allowed: a page on any site could
    // read customer data through an admin's browser login. Only listed origins get CORS headers.
    cors: origins.length === 0 ? false : { origin: [...origins], credentials: true, methods: ['GET', 'POST'] },
    graphqlEndpoint: endpoint,
    graphiql: { title },
    renderGraphiQL: renderOfflineGraphiQL,
    landingPage: false,
    // Never an original error (its message, its stack) to the client, whatever NODE_ENV says.
    maskedErrors: { isDev: false },
    context,
    // graphql-yoga's log arguments can hold a query's variables or a resolver's message (customer
    // data): only the error, through the logger's err serializer, and a fixed message.
    logging: {
      debug: () => {},
      info: () => {},
      warn: (...args) => logger.warn({ err: args.find(isError), endpoint }, 'graphql-yoga warning'),
      error: (...args) => logger.error({ err: args.find(isError), endpoint }, 'graphql-yoga error'),
    },
  }) as unknown as Explorer;
}

const CODES: Record<number, string> = { 400: 'BAD_REQUEST', 405: 'METHOD_NOT_ALLOWED', 406: 'NOT_ACCEPTABLE', 415: 'UNSUPPORTED_MEDIA_TYPE' };

/**
 * graphql-yoga answers some requests it refuses (406 for an `Accept` it cannot serve, a bare 4xx)
 * without a JSON body: those become cardql's JSON error. GraphQL's own `{ errors }` answers pass as they are.
 */
export async function jsonErrors(pending: Response | Promise<Response>): Promise<Response> {
  const response = await pending;
  if (response.status < 400 || /json/.test(response.headers.get('content-type') ?? '')) return response;
  await response.body?.cancel();
  const allow = response.headers.get('allow');
  const message = response.status === 406 ? 'Expected Accept to allow application/json or application/graphql-response+json' : `Expected a GraphQL request (GraphQL over HTTP), received one this endpoint refuses (HTTP ${response.status})`;
  return errorResponse(new HttpError(response.status, CODES[response.status] ?? 'GRAPHQL_REQUEST_REFUSED', message, allow ? { allow } : {}));
}

/** Where cardql serves GraphiQL's own files: GraphiQL must work with no internet access (no CDN). */
export const GRAPHIQL_ASSETS_PATH = '/graphiql';

type Bytes = Uint8Array<ArrayBuffer>;
type GraphiQLFile = { name: string; type: string; body: Bytes; gzipped?: Promise<Bytes> };
type GraphiQLBundle = { version: string; files: Map<string, GraphiQLFile> };

// The bundle is 9 MB of JavaScript that takes ~0.4 s to import: loaded on the first GraphiQL request, not at boot.
let bundle: Promise<GraphiQLBundle> | undefined;
const gzipAsync = promisify(gzip);
const bytes = (buffer: Buffer): Bytes => new Uint8Array(buffer);

function loadGraphiQLBundle(): Promise<GraphiQLBundle> {
  bundle ??= import('@graphql-yoga/render-graphiql/graphiql').then((m) => {
    const text = (type: string, name: string, body: string): GraphiQLFile => ({ name, type: `${type}; charset=utf-8`, body: bytes(Buffer.from(body)) });
    const files = [
      text('text/javascript', 'yoga-graphiql.js', m.js),
      text('text/css', 'graphiql.css', m.css),
      text('text/javascript', 'editor.worker.js', m.editorWorkerService),
      text('text/javascript', 'json.worker.js', m.jsonWorker),
      text('text/javascript', 'graphql.worker.js', m.graphqlWorker),
      { name: 'favicon.ico', type: 'image/x-icon', body: bytes(Buffer.from(m.favicon.slice(m.favicon.indexOf(',') + 1), 'base64')) },
    ];
    const version = createHash('sha256').update(m.js).update(m.css).digest('hex').slice(0, 12);
    return { version, files: new Map(files.map((file) => [file.name, file])) };
  });
  return bundle;
}

/** graphql-yoga's GraphiQL page, its files referenced on cardql under a versioned URL instead of unpkg.com. */
async function renderOfflineGraphiQL(options: GraphiQLOptions): Promise<string> {
  const { version } = await loadGraphiQLBundle();
  const url = (name: string) => `${GRAPHIQL_ASSETS_PATH}/${name}?v=${version}`;
  const workers = { editorWorkerService: url('editor.worker.js'), json: url('json.worker.js'), graphql: url('graphql.worker.js') };
  // JSON inside <script>: `<` escaped so that no option value can close the script element.
  const script = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');
  const title = (options.title ?? 'GraphiQL').replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title>
<link rel="icon" href="${url('favicon.ico')}"><link rel="stylesheet" href="${url('graphiql.css')}"></head>
<body id="body" class="no-focus-outline"><noscript>You need to enable JavaScript to run GraphiQL.</noscript><div id="root"></div>
<script>const workers = ${script(workers)}; self.MonacoEnvironment = { globalAPI: false, getWorkerUrl: (_id, label) => workers[label] };</script>
<script src="${url('yoga-graphiql.js')}"></script>
<script>YogaGraphiQL.renderYogaGraphiQL(document.querySelector('#root'), ${script(options)});</script>
</body></html>`;
}

/**
 * Routes for GraphiQL's files under {@link GRAPHIQL_ASSETS_PATH}, for the app's route table (gate them
 * like GraphiQL; GET and HEAD only). A request carrying the current `?v=` is cached for good; gzip when the browser takes it.
 */
export function graphiqlAssetRoutes(): Map<string, Route> {
  const names = ['yoga-graphiql.js', 'graphiql.css', 'editor.worker.js', 'json.worker.js', 'graphql.worker.js', 'favicon.ico'];
  return new Map(
    names.map((name): [string, Route] => [
      `${GRAPHIQL_ASSETS_PATH}/${name}`,
      { methods: ['GET'], handle: async (request: Request) => {
        const { version, files } = await loadGraphiQLBundle();
        const file = files.get(name)!;
        const etag = `"${version}"`;
        const headers: Record<string, string> = {
          'content-type': file.type,
          etag,
          vary: 'accept-encoding',
          'cache-control': new URL(request.url).searchParams.get('v') === version ? 'max-age=31536000, immutable' : 'no-cache',
        };
        if (request.headers.get('if-none-match') === etag) return new Response(null, { status: 304, headers });
        const gzipOk = /\bgzip\b/.test(request.headers.get('accept-encoding') ?? '') && file.type.startsWith('text/');
        if (!gzipOk) return new Response(request.method === 'HEAD' ? null : file.body, { headers });
        file.gzipped ??= gzipAsync(file.body).then(bytes);
        return new Response(request.method === 'HEAD' ? null : await file.gzipped, { headers: { ...headers, 'content-encoding': 'gzip' } });
      } },
    ]),
  );
}
