// `npm run schema:pull [-- <source>...] [--check]`: refreshes schemas/<source>.graphql from each remote source, by introspection.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { buildSchema, findBreakingChanges, findDangerousChanges } from 'graphql';
import { ConfigError, loadConfig } from '../src/config.ts';
import { readSourcesDeclaration } from '../src/remote/declaration.ts';
import { fetchLiveSchema, printPinnedSchema } from '../src/remote/live-schema.ts';

const USAGE = `Usage: npm run schema:pull [-- [<source>...] [--check]]

Introspects each remote source declared in the file CARDQL_SOURCES points at (all of them, or the
ones named) and writes its schema as SDL to its pinned file (default schemas/<source>.graphql).
Startup validation and codegen read the pinned file, so the source need not be up for them.

  --check   write nothing; exit 1 when a pinned file differs from the live schema

Examples:
  CARDQL_SOURCES=examples/remote-demo/sources.json DEMO_UPSTREAM_TOKEN=dev npm run schema:pull
  CARDQL_SOURCES=sources.json npm run schema:pull -- billing --check
`;

let args;
try {
  args = parseArgs({ allowPositionals: true, options: { check: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } } });
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n\n${USAGE}`);
  process.exit(2);
}
if (args.values.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}

let sources;
try {
  const { config } = loadConfig(process.env);
  const declared = readSourcesDeclaration(config.sourcesFile, config.environment.values());
  if (declared.problems.length > 0) throw new ConfigError(declared.problems);
  sources = declared.sources;
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}
if (sources.length === 0) {
  process.stderr.write(`No remote source is declared: expected CARDQL_SOURCES to point at a sources file, received ${JSON.stringify(process.env.CARDQL_SOURCES ?? null)}\n\n${USAGE}`);
  process.exit(2);
}
const unknown = args.positionals.filter((name) => !sources.some((source) => source.name === name));
if (unknown.length > 0) {
  process.stderr.write(`Unknown source(s) ${unknown.join(', ')}: expected one of ${sources.map((s) => s.name).join(', ')}\n`);
  process.exit(2);
}

let failed = false;
for (const source of sources.filter((s) => args.positionals.length === 0 || args.positionals.includes(s.name))) {
  let sdl: string;
  try {
    const live = await fetchLiveSchema(source, AbortSignal.timeout(Math.max(source.timeoutMs, 10_000)));
    sdl = `# Pinned schema of remote source "${source.name}" (${source.url}), written by \`npm run schema:pull\`. Do not edit.\n${printPinnedSchema(live)}\n`;
  } catch (error) {
    process.stderr.write(`${source.name}: cannot introspect ${source.url}: ${(error as Error).message}\n`);
    failed = true;
    continue;
  }
  const before = existsSync(source.schemaPath) ? readFileSync(source.schemaPath, 'utf8') : undefined;
  if (before === sdl) {
    process.stdout.write(`${source.name}: ${source.schemaPath} is up to date\n`);
    continue;
  }
  if (before !== undefined) {
    try {
      const [old, now] = [buildSchema(before), buildSchema(sdl)];
      for (const change of findBreakingChanges(old, now)) process.stdout.write(`${source.name}: BREAKING ${change.description}\n`);
      for (const change of findDangerousChanges(old, now)) process.stdout.write(`${source.name}: dangerous ${change.description}\n`);
    } catch {
      process.stdout.write(`${source.name}: the old pinned file does not build; replacing it\n`);
    }
  }
  if (args.values.check) {
    process.stdout.write(`${source.name}: ${source.schemaPath} differs from the live schema\n`);
    failed = true;
    continue;
  }
  mkdirSync(dirname(source.schemaPath), { recursive: true });
  writeFileSync(source.schemaPath, sdl);
  process.stdout.write(`${source.name}: wrote ${source.schemaPath}${before === undefined ? '' : ' (restart cardql and run npm run codegen to use it)'}\n`);
}
process.exit(failed ? 1 : 0);
