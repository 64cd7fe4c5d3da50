#!/usr/bin/env node
// The `cardql` bin: registers tsx's ESM loader so that Node runs the TypeScript sources as they are
// (no build step), then hands over to src/cli/main.ts.
import { register } from 'tsx/esm/api';

register();
await import(new URL('../src/cli/main.ts', import.meta.url).href);
