// `cardql add-source <name> <url>`: from an existing GraphQL API to a first card, with no hand edit.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { EXIT, parse, UsageError, type Command } from './args.ts';

export const addSource: Command = {
  name: 'add-source',
  summary: 'declare a GraphQL API as a remote source: introspect, pin its schema, wire codegen, scaffold a first card',
  help: `Usage: cardql add-source <name> <url> [--header 'Name: value']... [--force]

Introspects the GraphQL API at <url> (sending the headers given), then:
  - pins its schema to schemas/<name>.graphql,
  - adds the source to the sources file (CARDQL_SOURCES, default sources.json; created when missing),
  - adds src/generated/<name>.ts to codegen.yml (types for the queries of queries/<name>/),
  - writes a first card, queries/<name>/<name>-<field>.graphql, from a root field that finds one
    customer by email (or by your id for them), laid out automatically: no code to write.

A header value may reference the environment: 'Authorization: Bearer \${CRM_TOKEN}' (single quotes,
so that the shell leaves it alone) is resolved for the introspection and written as the reference,
never as the secret.

Options:
  --header 'Name: value'   a header for every request to the API (repeatable)
  --force                  replace a source of that name, and its pinned schema

Exit code: 0 added, 1 the API could not be introspected or a file could not be written, 2 bad arguments.

Examples:
  cardql add-source crm https://crm.internal/graphql --header 'Authorization: Bearer \${CRM_TOKEN}'
  CARDQL_SOURCES=sources.json cardql add-source demo http://127.0.0.1:4001/graphql`,
  async run(args, io) {
    const { values, positionals } = parse('add-source', args, { header: { type: 'string', multiple: true }, force: { type: 'boolean' } });
    if (positionals.length !== 2) throw new UsageError(`expected a source name and a URL, received ${positionals.length} argument(s); e.g. cardql add-source crm https://crm.example.com/graphql`);
    const [name, url] = positionals as [string, string];
    const headers: Record<string, string> = {};
    for (const header of values.header ?? []) {
      const colon = header.indexOf(':');
      if (colon < 1) throw new UsageError(`--header expects 'Name: value', received ${JSON.stringify(header)}`);
      headers[header.slice(0, colon).trim()] = header.slice(colon + 1).trim();
    }
    const sourcesPath = io.env.CARDQL_SOURCES || 'sources.json';
    const queriesDir = io.env.CARDQL_QUERIES_DIR || 'queries';

    // The declaration as it will be written, checked exactly as startup will read it.
    const [{ parseSourcesDeclaration }, { fetchLiveSchema, printPinnedSchema }, { buildSchema }, { scaffoldCard }] = await Promise.all([
      import('../remote/declaration.ts'),
      import('../remote/live-schema.ts'),
      import('graphql'),
      import('./scaffold.ts'),
    ]);
    let existing: Record<string, unknown> = {};
    if (existsSync(sourcesPath)) {
      const text = readFileSync(sourcesPath, 'utf8');
      const read = parseSourcesDeclaration(text, sourcesPath, { ...io.env, ...allVariables(text) });
      if (read.problems.some((problem) => problem.includes('expected JSON'))) {
        for (const problem of read.problems) io.err(`${problem}\n`);
        return EXIT.failed;
      }
      existing = JSON.parse(text) as Record<string, unknown>;
    }
    if (name in existing && !values.force) throw new UsageError(`${sourcesPath} already declares a source "${name}": expected a new name, or --force to replace it`);
    const entry = { url, ...(Object.keys(headers).length > 0 && { headers }) };
    const checked = parseSourcesDeclaration(JSON.stringify({ [name]: entry }), sourcesPath, io.env);
    for (const warning of checked.warnings) io.err(`cardql add-source: warning: ${warning}\n`);
    const config = checked.sources[0];
    if (checked.problems.length > 0 || !config) {
      for (const problem of checked.problems) io.err(`${problem}\n`);
      return EXIT.usage;
    }

    let live;
    try {
      live = await fetchLiveSchema(config, AbortSignal.timeout(Math.max(config.timeoutMs, 10_000)));
    } catch (error) {
      io.err(`cardql add-source: cannot introspect ${url}: ${error instanceof Error ? error.message : String(error)}\n`);
      return EXIT.failed;
    }
    const sdl = printPinnedSchema(live);
    const written: string[] = [];
    write(config.schemaPath, sdl, written);
    write(sourcesPath, `${JSON.stringify({ ...existing, [name]: entry }, null, 2)}\n`, written);
    const codegen = wireCodegen('codegen.yml', name, config.schemaPath, `${queriesDir}/${name}/*.graphql`);
    if (codegen === 'added') written.push('codegen.yml');

    const card = scaffoldCard(name, buildSchema(sdl));
    if (card) {
      const path = join(queriesDir, name, `${card.key}.graphql`);
      if (!existsSync(path)) write(path, card.query, written);
    }

    io.out(`added source "${name}" (${url}): ${Object.keys(live.getQueryType()?.getFields() ?? {}).length} root field(s)\n`);
    for (const file of written) io.out(`  wrote ${file}\n`);
    if (codegen === 'missing') io.out('  no codegen.yml here: types for its queries are not generated\n');
    if (codegen === 'present') io.out('  codegen.yml already generates its types\n');
    if (card) {
      io.out(`first card: ${card.key}, from ${card.field}(…: $${card.variable}), laid out automatically\n`);
    } else {
      io.out(`no root field finds one customer by email or id: write the first query in ${join(queriesDir, name)}/<key>.graphql (docs/authoring.md)\n`);
    }
    const env = sourcesPath === 'sources.json' && !io.env.CARDQL_SOURCES ? 'CARDQL_SOURCES=sources.json ' : '';
    io.out(`next: ${env}npx cardql check, ${env}npm run codegen, then ${env}npm run dev and open /preview${card ? ` (card ${card.key})` : ''}\n`);
    return EXIT.ok;
  },
};

function write(path: string, text: string, written: string[]): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  written.push(path);
}

/** Placeholders for every `${NAME}` of an existing file: reading it back only needs its shape. */
function allVariables(text: string): Record<string, string> {
  return Object.fromEntries([...text.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g)].map((m) => [m[1]!, 'set']));
}

/**
 * Adds an output for the source to codegen.yml: its pinned schema, the queries of its folder. The file's
 * `generates:` must be its last top-level key (as in this project), so that the block can be appended.
 */
function wireCodegen(path: string, name: string, schemaPath: string, documents: string): 'added' | 'present' | 'missing' {
  if (!existsSync(path)) return 'missing';
  const text = readFileSync(path, 'utf8');
  const output = `src/generated/${name}.ts`;
  if (text.includes(`  ${output}:`)) return 'present';
  const topLevel = [...text.matchAll(/^([A-Za-z_][\w-]*):/gm)].map((m) => m[1]);
  if (topLevel.at(-1) !== 'generates') throw new Error(`${path}: expected \`generates:\` as the last top-level key, to add ${output} to it; add it by hand (see the demo source's output)`);
  const block = `
  # Added by \`cardql add-source ${name}\`: types from its pinned SDL for the queries of its folder.
  ${output}:
    schema: ${schemaPath}
    documents: ${documents}
    plugins:
      - add:
          content: '// Generated by \`npm run codegen\` from ${schemaPath} and ${documents}. Do not edit.'
      - typescript
      - typescript-operations
    config:
      useTypeImports: true
      enumsAsTypes: true
      avoidOptionals:
        field: true
        inputValue: false
        object: false
        defaultValue: false
`;
  writeFileSync(path, `${text.trimEnd()}\n${block}`);
  return 'added';
}
