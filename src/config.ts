// Configuration: read once from the environment by a pure function that reports every problem at once.
import { z } from 'zod';
import { inspect } from 'node:util';

/** Plain gives up after 15 s; the longest deadline leaves 2 s for the answer to travel and for a slow turn of the event loop. */
const PLAIN_TIMEOUT_MS = 15_000;
export const MAX_DEADLINE_MS = PLAIN_TIMEOUT_MS - 2000;

const secret = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value === '' ? undefined : value));

const flag = z.enum(['true', 'false']).default('false').transform((value) => value === 'true');

/** A comma-separated list of secrets (rotation: old and new at once); blanks dropped, none is `[]`. */
/** The HMAC key of Redis keys when CARDQL_STALE_KEY_SECRET is not set (not the signing secret: rotating that would empty the cache). */
const UNKEYED_STALE_SECRET = 'cardql-stale-card-key';

const secretList = z
  .string()
  .optional()
  .transform((value) => (value ?? '').split(',').map((item) => item.trim()).filter((item) => item !== ''));

/** `{ "<Plain-Workspace-Id>": "secret" | ["old", "new"] }`: one signing secret (list) per Plain workspace. */
const WorkspaceSecrets = z.record(
  z.string().regex(/^[A-Za-z0-9_-]{1,100}$/, 'expected workspace ids matching [A-Za-z0-9_-]{1,100}'),
  z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).transform((value) => (Array.isArray(value) ? value : [value])),
);

/** An HTTP header name (RFC 9110 token), compared lower-case. */
const HeaderName = z
  .string()
  .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'expected an HTTP header name such as Authorization or X-Api-Key')
  .default('authorization')
  .transform((value) => value.toLowerCase());

/** Browser origins (`https://host[:port]`) allowed to call the admin surfaces cross-origin. */
const OriginList = z
  .string()
  .optional()
  .transform((value) => (value ?? '').split(',').map((item) => item.trim()).filter((item) => item !== ''))
  .pipe(z.array(z.string().regex(/^https?:\/\/[^/\s,]+$/, 'expected origins such as https://admin.example.com, comma-separated, no path')));

const Env = z.object({
  /** `production` turns on the safety checks: signing required, GraphiQL gated. Default `development`. */
  NODE_ENV: z
    .union([z.literal(''), z.enum(['development', 'production', 'test'])])
    .optional()
    .transform((value) => value || 'development'),
  /** Port to listen on. Default 4000. */
  PORT: z.coerce.number().int().min(0).max(65_535).default(4000),
  /** Interface to listen on. Default 127.0.0.1; set 0.0.0.0 in a container. */
  HOST: z.string().min(1).default('127.0.0.1'),
  /**
   * Plain's request-signing secret: when set, every card request must carry a valid signature. A
   * comma-separated list accepts any of them (rotation). Default none.
   */
  CARDQL_SIGNING_SECRET: secretList,
  /** JSON `{ "<workspaceId>": "secret" | ["old", "new"] }`: a signing secret per Plain workspace. Default none. */
  CARDQL_WORKSPACE_SECRETS: z.string().optional(),
  /** The header Plain is configured to send with CARDQL_AUTH_TOKEN. Default `Authorization` (then `Bearer <token>`). */
  CARDQL_AUTH_HEADER: HeaderName,
  /** When set, card requests must carry this value in CARDQL_AUTH_HEADER; a comma-separated list accepts any. Default none. */
  CARDQL_AUTH_TOKEN: secretList,
  /** Token for GraphiQL and the preview (bearer, or a browser login's password). Default none: open on loopback outside production, else off. */
  CARDQL_ADMIN_TOKEN: secret,
  /** Origins allowed to call the admin surfaces from a browser page on another origin. Default none. */
  CARDQL_ADMIN_ORIGINS: OriginList,
  /** Bearer token for GET /metrics. Default none: open on loopback, else off. */
  CARDQL_METRICS_TOKEN: secret,
  /** Allows starting in production without a signing secret. Default false. */
  CARDQL_ALLOW_UNSIGNED: flag,
  /** Every card response leaves within this many milliseconds of the request's arrival (50 to 13000). Default 10000. */
  CARDQL_DEADLINE_MS: z.coerce.number().int().min(50).max(MAX_DEADLINE_MS).default(10_000),
  /**
   * The in-process data cards run on unless they name a remote source: `demo` (the demo customers), `none`
   * (remote sources only: no database is created or opened), or the path of your own module whose default
   * export makes a `LocalData` (docs/your-own-data.md). Default demo.
   */
  CARDQL_LOCAL_SOURCE: z
    .string()
    .default('demo')
    .refine((value) => value === 'demo' || value === 'none' || /\.(ts|js|mjs)$/.test(value), {
      message: 'expected demo, none, or the path of a module (.ts, .js or .mjs) whose default export makes your LocalData',
    }),
  /** SQLite file of the in-process demo data; created and seeded on first start. Default data/cardql.sqlite. */
  CARDQL_DATABASE: z.string().min(1).default('data/cardql.sqlite'),
  /**
   * PostgreSQL for the in-process data instead of the SQLite file: `postgres://user:password@host:5432/database`
   * (the demo creates and seeds its tables there on first start). Default none: embedded SQLite.
   */
  DATABASE_URL: z
    .string()
    .optional()
    .transform((value) => (value === undefined || value === '' ? undefined : value))
    .refine((value) => value === undefined || isPostgresUrl(value), { message: 'expected a PostgreSQL URL, postgres://user:password@host:5432/database' }),
  /** Folder of stored queries, one `<key>.graphql` per card. Default queries. */
  CARDQL_QUERIES_DIR: z.string().min(1).default('queries'),
  /** Folder of mappers, one `<key>.ts` per card. Default src/cards. */
  CARDQL_CARDS_DIR: z.string().min(1).default('src/cards'),
  /** JSON file declaring remote GraphQL sources (docs/remote-sources.md), read when the app starts. Default none: every card runs in-process. */
  CARDQL_SOURCES: z
    .string()
    .optional()
    .transform((value) => (value === undefined || value === '' ? undefined : value)),
  /**
   * How old a card's last good components may be and still be shown, marked stale, when the card
   * fails (source down, timeout, breaker open). Default 86400 (24 h); 0 turns stale cards off.
   */
  CARDQL_STALE_MAX_AGE_SECONDS: z.coerce.number().int().min(0).max(30 * 86_400).default(86_400),
  /** Bound of the in-process store of last good cards (used without REDIS_URL), in megabytes of JSON. Default 32. */
  CARDQL_STALE_MEMORY_MB: z.coerce.number().min(1).max(4096).default(32),
  /** Redis shared by every replica for last good cards, e.g. `redis://redis:6379/0`. Default none: in process. */
  REDIS_URL: z
    .string()
    .optional()
    .transform((value) => (value === '' ? undefined : value))
    .refine((value) => value === undefined || /^rediss?:\/\/./.test(value), 'expected a redis:// or rediss:// URL'),
  /** Prefix of every Redis key cardql writes, to share one Redis between deployments. Default `cardql:stale:`. */
  CARDQL_REDIS_KEY_PREFIX: z.string().min(1).max(100).default('cardql:stale:'),
  /** Longest one Redis call may take before cardql answers without it, in milliseconds. Default 100. */
  CARDQL_REDIS_TIMEOUT_MS: z.coerce.number().int().min(5).max(2000).default(100),
  /**
   * Key of the HMAC that turns a card's inputs (customer id, email…) into a Redis key; the same on every
   * replica. Default: a fixed key, so a key is then only a SHA-256 of known inputs: set it in production.
   */
  CARDQL_STALE_KEY_SECRET: secret,
  /** OpenTelemetry's `otlp` (the default once an OTLP endpoint is set), `console` or `none`. Default none: tracing off. */
  OTEL_TRACES_EXPORTER: z.enum(['otlp', 'console', 'none']).optional(),
  /** OpenTelemetry collector base URL (OTLP/HTTP), e.g. `http://otel-collector:4318`; turns tracing on. Default none. */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' }).optional(),
  /** Full OTLP/HTTP traces URL, overriding OTEL_EXPORTER_OTLP_ENDPOINT + `/v1/traces`. Default none. */
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' }).optional(),
  /** `service.name` of every span. Default cardql. */
  OTEL_SERVICE_NAME: z.string().min(1).default('cardql'),
  /** pino log level. Default info. */
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

/**
 * Who may reach a surface: `loopback` (no token, only clients on this machine: the server listens on
 * loopback), `token` (a configured token), `off` (answers 404). See docs/security.md.
 */
export type Exposure = 'loopback' | 'token' | 'off';

/** How card requests are authenticated (docs/security.md). */
export type CardsAuth = {
  /** Any of these may sign a request (`CARDQL_SIGNING_SECRET`, comma-separated: rotation). Empty: not signature-checked, unless per workspace. */
  signingSecrets: string[];
  /** Per `Plain-Workspace-Id`, its secrets (`CARDQL_WORKSPACE_SECRETS`). Non-empty: any other workspace gets 401 UNKNOWN_WORKSPACE. */
  workspaceSecrets: ReadonlyMap<string, string[]>;
  /** The header carrying the token, lower-case (`CARDQL_AUTH_HEADER`, default `authorization`). */
  authHeader: string;
  /** Accepted values of that header (`CARDQL_AUTH_TOKEN`, comma-separated); for Authorization, `Bearer <token>`. Empty: no token required. */
  authTokens: string[];
};

export type Config = {
  production: boolean;
  port: number;
  host: string;
  /** Whether `host` is a loopback interface: only this machine can connect. */
  loopback: boolean;
  cardsAuth: CardsAuth;
  /** GraphiQL (in-process and per source), its files, and the preview. */
  admin: { exposure: Exposure; token: string | undefined; origins: string[] };
  /** GET /metrics. */
  metrics: { exposure: Exposure; token: string | undefined };
  deadlineMs: number;
  /** `CARDQL_LOCAL_SOURCE`: the demo, none (remote only), or your module's path as given. */
  localSource: 'demo' | 'none' | { module: string };
  databasePath: string;
  /** `DATABASE_URL`: PostgreSQL for the in-process data; undefined keeps SQLite. Holds a password: log it only through `redactUrl`. */
  databaseUrl: string | undefined;
  queriesDir: string;
  cardsDir: string;
  /** Path of the remote sources declaration (`CARDQL_SOURCES`); read and checked when the app starts. Undefined: no remote source. */
  sourcesFile: string | undefined;
  /** The environment `${NAME}` references in the sources file resolve from; prints as `[redacted]`. */
  environment: Environment;
  logLevel: z.infer<typeof Env>['LOG_LEVEL'];
  /** Last good cards, served marked stale when a card fails; `null` when CARDQL_STALE_MAX_AGE_SECONDS is 0. */
  stale: StaleConfig | null;
  /** OpenTelemetry tracing; `null` (the default) loads no SDK at all. */
  tracing: TracingConfig | null;
};

export type StaleConfig = {
  maxAgeSeconds: number;
  /** Byte bound of the in-process store. */
  memoryBytes: number;
  /** Shared store on Redis instead of the in-process one. */
  redis: { url: string; keyPrefix: string; timeoutMs: number } | null;
  /** HMAC key that turns a card's inputs into a store key. */
  keySecret: string;
};

export type TracingConfig = {
  exporter: 'otlp' | 'console';
  /** OTLP/HTTP traces URL (otlp only). */
  url: string | undefined;
  serviceName: string;
};

/**
 * The environment `loadConfig` was given, kept for the one later reader (the sources file's `${NAME}`
 * header references), and printed as `[redacted]` by JSON.stringify, pino and util.inspect: it holds secrets.
 */
export class Environment {
  readonly #values: Readonly<Record<string, string | undefined>>;

  constructor(values: Record<string, string | undefined>) {
    this.#values = Object.freeze({ ...values });
  }

  /** The variables, to read by name. */
  values(): Readonly<Record<string, string | undefined>> {
    return this.#values;
  }

  toJSON(): string {
    return '[redacted]';
  }

  [inspect.custom](): string {
    return '[redacted]';
  }
}

/** Thrown by `loadConfig` with one line per problem, each naming the variable, what was expected and what was received. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Builds the configuration from an environment (normally `process.env`), reporting every problem at
 * once. Pure: files it names (the sources declaration, pinned schemas) are read when the app starts. Returns warnings that the caller should log loudly, such as running without authentication.
 */
export function loadConfig(env: Record<string, string | undefined>): { config: Config; warnings: string[] } {
  const parsed = Env.safeParse(env);
  const workspaces = parseWorkspaceSecrets(env.CARDQL_WORKSPACE_SECRETS);
  if (!parsed.success || workspaces.problems.length > 0) {
    throw new ConfigError([
      ...(parsed.error?.issues ?? []).map((issue) => {
        const name = String(issue.path[0]);
        const received =
          name === 'DATABASE_URL'
            ? `${JSON.stringify(redactUrl(env[name] ?? ''))} (password hidden)`
            : /SECRET|TOKEN/.test(name)
              ? `${env[name]?.length ?? 0} characters`
              : JSON.stringify(env[name]);
        return `${name}: ${issue.message}, received ${received}`;
      }),
      ...workspaces.problems,
    ]);
  }
  const e = parsed.data;
  if (e.REDIS_URL && e.CARDQL_STALE_MAX_AGE_SECONDS > 0 && e.CARDQL_REDIS_TIMEOUT_MS * 4 > e.CARDQL_DEADLINE_MS) {
    throw new ConfigError([
      `CARDQL_REDIS_TIMEOUT_MS: the stale lookup's time is taken from the deadline: expected at most a quarter of CARDQL_DEADLINE_MS (${Math.floor(e.CARDQL_DEADLINE_MS / 4)}), received "${e.CARDQL_REDIS_TIMEOUT_MS}"`,
    ]);
  }
  const production = e.NODE_ENV === 'production';
  const problems: string[] = [];
  if (workspaces.secrets.size > 0 && e.CARDQL_SIGNING_SECRET.length > 0) {
    problems.push('CARDQL_WORKSPACE_SECRETS: expected either it or CARDQL_SIGNING_SECRET, received both; list every workspace with its secret in CARDQL_WORKSPACE_SECRETS');
  }
  const signed = e.CARDQL_SIGNING_SECRET.length > 0 || workspaces.secrets.size > 0;
  if (production && !signed && !e.CARDQL_ALLOW_UNSIGNED) {
    problems.push(
      'CARDQL_SIGNING_SECRET: expected the signing secret from Plain (Settings → Request signing) when NODE_ENV=production, received nothing; set CARDQL_ALLOW_UNSIGNED=true to run without it',
    );
  }
  if (problems.length > 0) throw new ConfigError(problems);
  const warnings: string[] = [];
  if (production && e.REDIS_URL && e.CARDQL_STALE_MAX_AGE_SECONDS > 0 && !e.CARDQL_STALE_KEY_SECRET) {
    warnings.push('Redis keys of last good cards are hashes of known inputs (customer ids, emails) without a secret: set CARDQL_STALE_KEY_SECRET, the same on every replica');
  }
  if (!signed && e.CARDQL_AUTH_TOKEN.length === 0) {
    warnings.push('Card requests are NOT authenticated: set CARDQL_SIGNING_SECRET (and/or CARDQL_AUTH_TOKEN) before exposing this service');
  } else if (!signed) {
    warnings.push('Card requests are not signature-checked: set CARDQL_SIGNING_SECRET');
  }
  const loopback = isLoopbackHost(e.HOST);
  const exposure = (token: string | undefined, openOnLoopback: boolean): Exposure => (token ? 'token' : openOnLoopback ? 'loopback' : 'off');
  return {
    config: {
      production,
      port: e.PORT,
      host: e.HOST,
      loopback,
      cardsAuth: { signingSecrets: e.CARDQL_SIGNING_SECRET, workspaceSecrets: workspaces.secrets, authHeader: e.CARDQL_AUTH_HEADER, authTokens: e.CARDQL_AUTH_TOKEN },
      // Production on loopback is usually behind a reverse proxy on the same machine: a token, always.
      admin: { exposure: exposure(e.CARDQL_ADMIN_TOKEN, loopback && !production), token: e.CARDQL_ADMIN_TOKEN, origins: e.CARDQL_ADMIN_ORIGINS },
      metrics: { exposure: exposure(e.CARDQL_METRICS_TOKEN, loopback), token: e.CARDQL_METRICS_TOKEN },
      deadlineMs: e.CARDQL_DEADLINE_MS,
      localSource: e.CARDQL_LOCAL_SOURCE === 'demo' || e.CARDQL_LOCAL_SOURCE === 'none' ? e.CARDQL_LOCAL_SOURCE : { module: e.CARDQL_LOCAL_SOURCE },
      databasePath: e.CARDQL_DATABASE,
      databaseUrl: e.DATABASE_URL,
      queriesDir: e.CARDQL_QUERIES_DIR,
      cardsDir: e.CARDQL_CARDS_DIR,
      sourcesFile: e.CARDQL_SOURCES,
      environment: new Environment(env),
      logLevel: e.LOG_LEVEL,
      stale:
        e.CARDQL_STALE_MAX_AGE_SECONDS === 0
          ? null
          : {
              maxAgeSeconds: e.CARDQL_STALE_MAX_AGE_SECONDS,
              memoryBytes: Math.round(e.CARDQL_STALE_MEMORY_MB * 1024 * 1024),
              redis: e.REDIS_URL ? { url: e.REDIS_URL, keyPrefix: e.CARDQL_REDIS_KEY_PREFIX, timeoutMs: e.CARDQL_REDIS_TIMEOUT_MS } : null,
              keySecret: e.CARDQL_STALE_KEY_SECRET ?? UNKEYED_STALE_SECRET,
            },
      tracing: tracingConfig(e),
    },
    warnings,
  };
}

function isPostgresUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'postgres:' || url.protocol === 'postgresql:') && url.hostname !== '';
  } catch {
    return false;
  }
}

/** A database URL fit for logs and error messages: its password replaced by `***`; nothing of it when it does not parse. */
export function redactUrl(value: string): string {
  try {
    const url = new URL(value);
    if (url.password) url.password = '***';
    return url.href;
  } catch {
    return '<not a URL>';
  }
}

/**
 * What is exposed to whom, for the startup line: the card endpoint's authentication, and who may
 * reach the admin surfaces and /metrics. Counts of secrets only, never a secret.
 */
export function describeExposure({ cardsAuth, admin, metrics }: Pick<Config, 'cardsAuth' | 'admin' | 'metrics'>): Record<string, string> {
  const who = (exposure: Exposure, variable: string) =>
    exposure === 'loopback' ? 'open to this machine only (loopback, no token)' : exposure === 'token' ? `anyone with ${variable}` : `off (404): set ${variable} to enable`;
  const signing =
    cardsAuth.workspaceSecrets.size > 0
      ? `signature required, per workspace (${cardsAuth.workspaceSecrets.size} workspaces)`
      : cardsAuth.signingSecrets.length > 0
        ? `signature required (${cardsAuth.signingSecrets.length} secret${cardsAuth.signingSecrets.length > 1 ? 's' : ''} accepted)`
        : 'NOT signature-checked';
  const token = cardsAuth.authTokens.length > 0 ? `, ${cardsAuth.authHeader} token required` : '';
  return {
    '/cards': `${signing}${token}`,
    'graphiql, /graphql/<source>, /preview': who(admin.exposure, 'CARDQL_ADMIN_TOKEN') + (admin.origins.length ? `; cross-origin: ${admin.origins.join(', ')}` : '; same-origin only'),
    '/metrics': who(metrics.exposure, 'CARDQL_METRICS_TOKEN'),
    '/healthz, /readyz': 'open',
  };
}

/** 127.0.0.0/8, ::1 and localhost: interfaces no other machine can connect to. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  return bare === 'localhost' || bare === '::1' || /^127(\.\d{1,3}){3}$/.test(bare);
}

function parseWorkspaceSecrets(value: string | undefined): { secrets: Map<string, string[]>; problems: string[] } {
  if (value === undefined || value.trim() === '') return { secrets: new Map(), problems: [] };
  const expected = 'expected JSON such as {"w_01ABC": "secret"} or {"w_01ABC": ["old-secret", "new-secret"]}';
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    // Never echo the value: it holds secrets.
    return { secrets: new Map(), problems: [`CARDQL_WORKSPACE_SECRETS: ${expected}, received ${value.length} characters that are not JSON`] };
  }
  const parsed = WorkspaceSecrets.safeParse(json);
  if (!parsed.success) {
    return {
      secrets: new Map(),
      problems: parsed.error.issues.map((issue) => {
        const message = issue.code === 'invalid_key' ? 'expected workspace ids matching [A-Za-z0-9_-]{1,100}' : issue.message;
        return `CARDQL_WORKSPACE_SECRETS${issue.path.length ? `.${issue.path.map(String).join('.')}` : ''}: ${message}; ${expected}`;
      }),
    };
  }
  if (Object.keys(parsed.data).length === 0) return { secrets: new Map(), problems: [`CARDQL_WORKSPACE_SECRETS: ${expected}, received an empty object`] };
  return { secrets: new Map(Object.entries(parsed.data)), problems: [] };
}

/**
 * Tracing is on when an exporter is named (other than `none`) or an OTLP endpoint is set, as the
 * OpenTelemetry SDKs read these variables; off otherwise, and then no SDK is ever loaded.
 */
function tracingConfig(e: z.infer<typeof Env>): TracingConfig | null {
  const url = e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? (e.OTEL_EXPORTER_OTLP_ENDPOINT ? `${e.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/$/, '')}/v1/traces` : undefined);
  const exporter = e.OTEL_TRACES_EXPORTER ?? (url ? 'otlp' : 'none');
  if (exporter === 'none') return null;
  return { exporter, url, serviceName: e.OTEL_SERVICE_NAME };
}
