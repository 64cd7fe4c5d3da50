// The second half of `npm run build`: the files cardql reads beside its modules at run time
// (`new URL('…', import.meta.url)`), which tsc does not emit. Copied on every build, like the JavaScript,
// so that dist/ never serves an older one. Plain JavaScript: the build must not need tsx.
import { cpSync } from 'node:fs';

// Every file of src/ that is not TypeScript (the preview's client files), at the same place under dist/src/.
cpSync('src', 'dist/src', { recursive: true, filter: (source) => !source.endsWith('.ts') });
// src/demo/index.ts reads `../../schema.graphql`: from dist/src/demo/, that is dist/schema.graphql.
cpSync('schema.graphql', 'dist/schema.graphql');
