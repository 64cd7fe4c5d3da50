// cardql compiled (dist/, `npm run build`) runs with plain node, no tsx: how the compiled server finds each
// mapper's module.
import { resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { buildLayout, mapperModule, type Build } from '../src/registry/registry.ts';

describe('mapperModule: the module a mapper is imported from', () => {
  const build: Build = { root: '/srv/cardql', ...buildLayout() };

  it('is the source itself under tsx (npm run dev, the cardql command, tests)', () => {
    expect(mapperModule('/srv/cardql/src/cards/usage.ts', undefined)).toEqual({ module: '/srv/cardql/src/cards/usage.ts' });
    expect(mapperModule('/tmp/cards/usage.ts', undefined)).toEqual({ module: '/tmp/cards/usage.ts' });
  });

  it('is the compiled output of a TypeScript mapper under src/ or examples/ when cardql runs compiled', () => {
    expect(mapperModule('/srv/cardql/src/cards/usage.ts', build)).toEqual({ module: '/srv/cardql/dist/src/cards/usage.js' });
    expect(mapperModule('/srv/cardql/src/team/cards/usage.ts', build)).toEqual({ module: '/srv/cardql/dist/src/team/cards/usage.js' });
    expect(mapperModule('/srv/cardql/examples/remote-demo/cards/usage.ts', build)).toEqual({ module: '/srv/cardql/dist/examples/remote-demo/cards/usage.js' });
  });

  it('is a JavaScript mapper itself, wherever it is', () => {
    for (const path of ['/srv/cardql/src/cards/usage.js', '/tmp/cards/usage.mjs', '/srv/cardql/cards/usage.js']) {
      expect(mapperModule(path, build)).toEqual({ module: path });
    }
  });

  it('is a problem naming where a mapper is expected and the file received, for TypeScript the build does not compile', () => {
    for (const path of ['/tmp/cards/usage.ts', '/srv/cardql/cards/usage.ts', '/srv/cardql/src-old/usage.ts', '/srv/usage.ts']) {
      const target = mapperModule(path, build);
      expect(target).toEqual({ problem: expect.stringContaining('expected a mapper under /srv/cardql/src/ or /srv/cardql/examples/ (CARDQL_CARDS_DIR, default src/cards) or written as JavaScript (.mjs)') });
      expect(target).toEqual({ problem: expect.stringContaining(`received ${path}.`) });
    }
  });

  it('follows tsconfig.build.json: what it compiles, from where, to where', () => {
    const parsed = ts.getParsedCommandLineOfConfigFile(resolve('tsconfig.build.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => expect.fail(String(d.messageText)) });
    expect(parsed?.errors).toEqual([]);
    expect(parsed?.options.rootDir).toBe(resolve('.'));
    expect(parsed?.options.outDir).toBe(resolve(buildLayout().outDir));
    expect(parsed?.options.rewriteRelativeImportExtensions).toBe(true);
    expect((parsed?.raw as { include: string[] }).include).toEqual(buildLayout().include);
  });
});
