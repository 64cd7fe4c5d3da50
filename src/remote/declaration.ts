// The remote sources declaration: one JSON file (CARDQL_SOURCES) naming every GraphQL API cards may run on.
import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { z } from 'zod';
import { LOCAL_SOURCE } from '../execution/executor.ts';

/** A source's limits, from its declaration (`breaker`, `concurrency`: docs/remote-sources.md). */
export type SourceGuardConfig = {
  breaker: {
    /** Consecutive failed calls (after the transport's own retry) that open the breaker. */
    failures: number;
    /** How long an open breaker fails every call before letting one probe through. */
    halfOpenAfterMs: number;
  };
  concurrency: {
    /** Calls to the source in flight at once; more wait in the queue. */
    max: number;
    /** Calls waiting for a slot; past this a call fails at once. */
    queue: number;
  };
};

export const DEFAULT_SOURCE_GUARD = { breaker: { failures: 5, halfOpenAfterMs: 10_000 }, concurrency: { max: 32, queue: 256 } } as const satisfies SourceGuardConfig;

/** A source timeout beyond the longest allowed deadline (CARDQL_DEADLINE_MS, at most 13000) could never be used. */
const MAX_TIMEOUT_MS = 13_000;

/**
 * A card's data is a few KB; 1 MiB leaves room for a large list, and even 32 concurrent requests
 * each answered with a full 1 MiB (text, then parsed) stay well within a 200 MB process.
 */
export const DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024;
const MAX_RESPONSE_BYTES = 100 * 1024 * 1024;

/** A source name is also a folder name (`queries/<name>/`), a URL segment (`/graphql/<name>`) and a metric label. */
export const SourceName = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,49}$/, 'expected a source name: lowercase letters, digits and dashes, starting with a letter, at most 50 characters')
  .refine((name) => name !== LOCAL_SOURCE, `"${LOCAL_SOURCE}" is the in-process schema: choose another name`);

/** RFC 9110 token characters. */
const HeaderName = z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, 'expected an HTTP header name (letters, digits, dashes)');

/** Headers cardql itself sets for every request to a source: a declaration may not override them. */
const RESERVED_HEADERS = new Set(['content-type', 'content-length', 'host', 'connection', 'transfer-encoding', 'accept']);

/** One entry of the declaration file, as written. */
export const SourceEntry = z.strictObject(
  {
  /** The source's GraphQL endpoint, e.g. `https://billing.internal/graphql`. */
  url: z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' }),
  /** Sent with every request to the source. `${NAME}` in a value is replaced by the environment variable NAME at startup. Default none. */
  headers: z.record(HeaderName, z.string({ error: 'expected a string header value' }), { error: 'expected an object of header name → value' }).default({}),
  /** Milliseconds one attempt may take; always capped by what is left of the card request's deadline. Default 5000. */
  timeoutMs: z
    .int({ error: 'expected an integer number of milliseconds' })
    .min(50, 'expected at least 50 ms')
    .max(MAX_TIMEOUT_MS, `expected at most ${MAX_TIMEOUT_MS} ms (Plain waits 15 s)`)
    .default(5_000),
  /** Send all cards of one Plain request that run on this source as ONE merged GraphQL operation. Default true. */
  merge: z.boolean({ error: 'expected true or false' }).default(true),
  /** Forward Plain's `Plain-Workspace-Id` header to the source. Default false. */
  forwardWorkspaceId: z.boolean({ error: 'expected true or false' }).default(false),
  /** Send cardql's request id as `X-Request-Id`, so that the source's logs can be joined with ours. Default false. */
  forwardRequestId: z.boolean({ error: 'expected true or false' }).default(false),
  /** Largest response body read from the source, in bytes, counted after decompression; past it the call fails and the stream is cancelled. Default 1 MiB. */
  maxResponseBytes: z
    .int({ error: 'expected an integer number of bytes' })
    .min(1024, 'expected at least 1024 bytes')
    .max(MAX_RESPONSE_BYTES, `expected at most ${MAX_RESPONSE_BYTES} bytes (100 MiB)`)
    .default(DEFAULT_MAX_RESPONSE_BYTES),
  /** `same-origin`: follow a 307/308 redirect to the same origin (at most 3 hops); `never`: a redirect fails the call. Default never. */
  followRedirects: z.enum(['never', 'same-origin'], { error: 'expected "never" or "same-origin"' }).default('never'),
  /**
   * The source's circuit breaker: after `failures` consecutive failed calls (default 5) it fails
   * every call at once for `halfOpenAfterMs` (default 10000), then lets one probe through.
   */
  breaker: z
    .strictObject(
      {
        failures: z.int({ error: 'expected an integer' }).min(1, 'expected at least 1').max(1000, 'expected at most 1000').default(DEFAULT_SOURCE_GUARD.breaker.failures),
        halfOpenAfterMs: z.int({ error: 'expected an integer number of milliseconds' }).min(100, 'expected at least 100 ms').max(600_000, 'expected at most 600000 ms').default(DEFAULT_SOURCE_GUARD.breaker.halfOpenAfterMs),
      },
      { error: 'expected { "failures"?: …, "halfOpenAfterMs"?: … }' },
    )
    .default(DEFAULT_SOURCE_GUARD.breaker),
  /** Calls in flight to the source at once (`max`, default 32) and waiting for a slot (`queue`, default 256); beyond, a call fails at once. */
  concurrency: z
    .strictObject(
      {
        max: z.int({ error: 'expected an integer' }).min(1, 'expected at least 1').max(10_000, 'expected at most 10000').default(DEFAULT_SOURCE_GUARD.concurrency.max),
        queue: z.int({ error: 'expected an integer' }).min(0, 'expected at least 0').max(100_000, 'expected at most 100000').default(DEFAULT_SOURCE_GUARD.concurrency.queue),
      },
      { error: 'expected { "max"?: …, "queue"?: … }' },
    )
    .default(DEFAULT_SOURCE_GUARD.concurrency),
  /** The pinned SDL stored queries are validated and typed against. Default `schemas/<name>.graphql`. */
  schema: z.string({ error: 'expected a path to an SDL file' }).min(1, 'expected a path to an SDL file').optional(),
  },
  { error: 'expected an object { "url": …, "headers"?: …, "timeoutMs"?: … }' },
);
export type SourceEntry = z.infer<typeof SourceEntry>;

/** The whole file: source name → entry. */
export const SourcesFile = z.record(SourceName, SourceEntry, { error: 'expected an object mapping each source name to { "url": …, "headers"?: …, "timeoutMs"?: … }' });
export type SourcesFile = z.infer<typeof SourcesFile>;

/**
 * A declared remote source: its entry as `SourceEntry` parsed it (defaults applied), named, with its
 * header secrets resolved from the environment. A new option is one field of `SourceEntry`: it reaches
 * this type, the parsed value and the "unknown field" message from there.
 */
export type RemoteSourceConfig = Omit<SourceEntry, 'headers' | 'schema'> & {
  name: string;
  headers: SecretHeaders;
  /** Path of the pinned SDL, relative to the working directory like every other path in cardql. */
  schemaPath: string;
};

/**
 * Header values that may hold secrets: readable by code that sends them, but printed as
 * `[redacted]` by JSON.stringify, pino and util.inspect, so that a logged config leaks nothing.
 */
export class SecretHeaders {
  readonly #values: Readonly<Record<string, string>>;

  constructor(values: Record<string, string>) {
    this.#values = Object.freeze({ ...values });
  }

  /** The headers to send. */
  values(): Readonly<Record<string, string>> {
    return this.#values;
  }

  toJSON(): Record<string, string> {
    return Object.fromEntries(Object.keys(this.#values).map((name) => [name, '[redacted]']));
  }

  [inspect.custom](): Record<string, string> {
    return this.toJSON();
  }
}

export type SourcesDeclaration = { sources: RemoteSourceConfig[]; problems: string[]; warnings: string[] };

const REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;
const LOOKS_SECRET = /authorization|token|secret|key|cookie|password/i;

/**
 * Reads the declaration file at `path` (none: no remote sources; the app's start calls it with
 * `config.sourcesFile`) and resolves `${NAME}` references
 * from `env`. Never throws: every problem is returned at once, each saying what was expected and
 * what was received, and never a header value (it may be a secret).
 */
export function readSourcesDeclaration(path: string | undefined, env: Record<string, string | undefined>): SourcesDeclaration {
  if (path === undefined || path === '') return { sources: [], problems: [], warnings: [] };
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'which does not exist' : `which cannot be read (${code ?? String(error)})`;
    return { sources: [], problems: [`CARDQL_SOURCES: expected a JSON file declaring remote sources, received ${JSON.stringify(path)}, ${why}`], warnings: [] };
  }
  return parseSourcesDeclaration(text, path, env);
}

/** The pure part of `readSourcesDeclaration`: `where` names the file in messages. */
export function parseSourcesDeclaration(text: string, where: string, env: Record<string, string | undefined>): SourcesDeclaration {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const { line, column } = jsonErrorLocation(text, (error as Error).message);
    return { sources: [], problems: [`${where}:${line}:${column}: expected JSON, received text that does not parse: ${(error as Error).message}`], warnings: [] };
  }
  const problems: string[] = [];
  const warnings: string[] = [];
  // Header references are checked even when the file has other problems: every problem at once.
  const entries = json !== null && typeof json === 'object' && !Array.isArray(json) ? Object.entries(json as Record<string, unknown>) : [];
  const resolved = new Map<string, Record<string, string>>();
  for (const [name, entry] of entries) {
    const raw = (entry as { headers?: unknown } | null)?.headers;
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) continue;
    resolved.set(name, resolveHeaders(`${where}: ${name}.headers`, name, raw as Record<string, unknown>, env, problems, warnings));
  }
  const parsed = SourcesFile.safeParse(json);
  if (!parsed.success) problems.unshift(...parsed.error.issues.map((issue) => `${where}: ${describeIssue(issue, json)}`));
  if (!parsed.success || problems.length > 0) return { sources: [], problems, warnings };
  const sources = Object.entries(parsed.data).map(
    ([name, { headers: _templates, schema, ...options }]): RemoteSourceConfig => ({
      name,
      ...options,
      headers: new SecretHeaders(resolved.get(name) ?? {}),
      schemaPath: schema ?? `schemas/${name}.graphql`,
    }),
  );
  return { sources, problems, warnings };
}

/** Resolves `${NAME}` references in string header values; names and value types are zod's to check. */
function resolveHeaders(
  at: string,
  source: string,
  raw: Record<string, unknown>,
  env: Record<string, string | undefined>,
  problems: string[],
  warnings: string[],
): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [header, template] of Object.entries(raw)) {
    if (typeof template !== 'string') continue;
    if (RESERVED_HEADERS.has(header.toLowerCase())) {
      problems.push(`${at}.${header}: cardql sets this header itself: expected any other header name, received ${JSON.stringify(header)}`);
      continue;
    }
    const references = [...template.matchAll(REFERENCE)].map((match) => match[1]!);
    for (const variable of references.filter((name) => !env[name])) {
      problems.push(`${at}.${header}: references \${${variable}}: expected ${variable} set (non-empty) in the environment, received nothing`);
    }
    const value = template.replace(REFERENCE, (_whole, variable: string) => env[variable] ?? '');
    // Checked after resolution: a line break would split the request's headers, and a secret may hold one.
    if (/[\r\n\0]/.test(value)) problems.push(`${at}.${header}: expected a single-line header value, received a value containing a line break or NUL`);
    if (LOOKS_SECRET.test(header) && references.length === 0) {
      const variable = `${source.toUpperCase().replace(/-/g, '_')}_TOKEN`;
      warnings.push(`${at}.${header}: this looks like a secret written in the file: reference an environment variable instead, e.g. "Bearer \${${variable}}"`);
    }
    headers[header] = value;
  }
  return headers;
}

/** `billing.timeoutMs: expected …, received "fast"`; header values are never echoed. */
function describeIssue(issue: z.core.$ZodIssue, json: unknown): string {
  const path = issue.path.map(String);
  const at = path.length > 0 ? `${path.join('.')}: ` : '';
  if (issue.code === 'invalid_key') {
    const inner = issue.issues[0]?.message ?? issue.message;
    return `${at}${inner}, received ${JSON.stringify(path.at(-1))}`;
  }
  if (issue.code === 'unrecognized_keys') {
    return `${at}unknown field(s) ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}: expected only ${Object.keys(SourceEntry.shape).join(', ')}`;
  }
  const value = valueAt(json, issue.path);
  const received = path[1] === 'headers' && path.length === 3 && typeof value === 'string' ? 'a header value (not shown)' : JSON.stringify(value) ?? 'nothing';
  return `${at}${issue.message}, received ${received}`;
}

/** Where JSON.parse stopped, as 1-based line and column: V8 says `at position N`, or nothing at the end of the input. */
function jsonErrorLocation(text: string, message: string): { line: number; column: number } {
  const position = Number(/at position (\d+)/.exec(message)?.[1] ?? text.length);
  const before = text.slice(0, position).split('\n');
  return { line: before.length, column: before.at(-1)!.length + 1 };
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value = root;
  for (const key of path) value = value !== null && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[key] : undefined;
  return value;
}
