// Configuration: read once from the environment by a pure function that reports every problem at once.
import { z } from 'zod';
import { inspect } from 'node:util';

/** Plain gives up after 15 s; a deadline must leave room for the response to travel. */
const PLAIN_TIMEOUT_MS = 15_000;

const secret = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value === '' ? undefined : value));

const flag = z.enum(['true', 'false']).default('false').transform((value) => value === 'true');

const Env = z.object({
  /** `production` turns on the safety checks: signing required, GraphiQL gated. Default `development`. */
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  /** Port to listen on. Default 4000. */
  PORT: z.coerce.number().int().min(0).max(65_535).default(4000),
  /** Interface to listen on. Default 127.0.0.1; set 0.0.0.0 in a container. */
  HOST: z.string().min(1).default('127.0.0.1'),
  /** Plain's request-signing secret: when set, every card request must carry a valid signature. */
  CARDQL_SIGNING_SECRET: secret,
  /** When set, card requests must carry `Authorization: Bearer <token>` (a header configured in Plain). */
  CARDQL_AUTH_TOKEN: secret,
  /** In production, GraphiQL requires `Authorization: Bearer <token>`; without it GraphiQL is off. */
  CARDQL_ADMIN_TOKEN: secret,
  /** When set, GET /metrics requires `Authorization: Bearer <token>`; without it /metrics is open (it holds no customer data). */
  CARDQL_METRICS_TOKEN: secret,
  /** Allows starting in production without a signing secret. Default false. */
  CARDQL_ALLOW_UNSIGNED: flag,
  /** Every card response leaves within this many milliseconds. Default 10000. */
  CARDQL_DEADLINE_MS: z.coerce.number().int().min(50).max(PLAIN_TIMEOUT_MS - 1000).default(10_000),
  /** SQLite file of the in-process demo data; created and seeded on first start. Default data/cardql.sqlite. */
  CARDQL_DATABASE: z.string().min(1).default('data/cardql.sqlite'),
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
  /** Key of the HMAC that turns customer ids into Redis keys; the same on every replica. Default: CARDQL_SIGNING_SECRET, else a fixed key. */
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

export type Config = {
  production: boolean;
  port: number;
  host: string;
  signingSecret: string | undefined;
  authToken: string | undefined;
  adminToken: string | undefined;
  /** Bearer token for scraping /metrics; undefined leaves /metrics open. */
  metricsToken: string | undefined;
  deadlineMs: number;
  databasePath: string;
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
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const name = String(issue.path[0]);
        return `${name}: ${issue.message}, received ${JSON.stringify(env[name])}`;
      }),
    );
  }
  const e = parsed.data;
  if (e.REDIS_URL && e.CARDQL_STALE_MAX_AGE_SECONDS > 0 && e.CARDQL_REDIS_TIMEOUT_MS * 4 > e.CARDQL_DEADLINE_MS) {
    throw new ConfigError([
      `CARDQL_REDIS_TIMEOUT_MS: the stale lookup's time is taken from the deadline: expected at most a quarter of CARDQL_DEADLINE_MS (${Math.floor(e.CARDQL_DEADLINE_MS / 4)}), received "${e.CARDQL_REDIS_TIMEOUT_MS}"`,
    ]);
  }
  const production = e.NODE_ENV === 'production';
  if (production && !e.CARDQL_SIGNING_SECRET && !e.CARDQL_ALLOW_UNSIGNED) {
    throw new ConfigError([
      'CARDQL_SIGNING_SECRET: expected the signing secret from Plain (Settings → Request signing) when NODE_ENV=production, received nothing; set CARDQL_ALLOW_UNSIGNED=true to run without it',
    ]);
  }
  const warnings: string[] = [];
  if (!e.CARDQL_SIGNING_SECRET && !e.CARDQL_AUTH_TOKEN) {
    warnings.push('Card requests are NOT authenticated: set CARDQL_SIGNING_SECRET (and/or CARDQL_AUTH_TOKEN) before exposing this service');
  } else if (!e.CARDQL_SIGNING_SECRET) {
    warnings.push('Card requests are not signature-checked: set CARDQL_SIGNING_SECRET');
  }
  if (production && !e.CARDQL_ADMIN_TOKEN) warnings.push('GraphiQL is off: set CARDQL_ADMIN_TOKEN to enable it in production');
  if (!production) warnings.push('GraphiQL at /graphql is open to anyone who can reach this port (NODE_ENV is not production)');
  return {
    config: {
      production,
      port: e.PORT,
      host: e.HOST,
      signingSecret: e.CARDQL_SIGNING_SECRET,
      authToken: e.CARDQL_AUTH_TOKEN,
      adminToken: e.CARDQL_ADMIN_TOKEN,
      metricsToken: e.CARDQL_METRICS_TOKEN,
      deadlineMs: e.CARDQL_DEADLINE_MS,
      databasePath: e.CARDQL_DATABASE,
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
              keySecret: e.CARDQL_STALE_KEY_SECRET ?? e.CARDQL_SIGNING_SECRET ?? 'cardql-stale-key',
            },
      tracing: tracingConfig(e),
    },
    warnings,
  };
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
