// The engine apart from its demo: no engine file imports src/demo/; only the composition root chooses it.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/** Files allowed to import the demo: the demo itself, its cards and upstream, and the one place that chooses it. */
const DEMO_SIDE = [/^src\/demo\//, /^src\/cards\//, /^src\/demo-upstream\//, /^src\/generated\//, /^src\/local-data\.ts$/];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** Every module specifier a file imports, statically or with `import()`. */
function importsOf(source: string): string[] {
  return [...source.matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)].map((match) => match[1]!);
}

describe('the engine', () => {
  const engine = sourceFiles('src').filter((file) => !DEMO_SIDE.some((pattern) => pattern.test(file)));

  it('is most of src/ (the check looks at real files)', () => {
    expect(engine).toContain('src/app.ts');
    expect(engine).toContain('src/execution/local.ts');
    expect(engine.length).toBeGreaterThan(40);
  });

  it('imports nothing of src/demo/', () => {
    const offenders = engine.flatMap((file) =>
      importsOf(readFileSync(file, 'utf8'))
        .filter((specifier) => specifier.startsWith('.'))
        .map((specifier) => relative('.', resolve(file, '..', specifier)))
        .filter((target) => target.startsWith('src/demo/'))
        .map((target) => `${file} → ${target}`),
    );
    expect(offenders).toEqual([]);
  });
});
