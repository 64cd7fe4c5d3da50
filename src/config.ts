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
    },
    warnings,
  };
}
