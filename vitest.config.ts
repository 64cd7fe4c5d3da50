// Tests run in forked workers; each file seeds its own in-memory demo database.
import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // graphql ships both ESM and CommonJS builds. Our code would get the first and graphql-yoga /
    // @graphql-tools the second, and graphql refuses a schema from "another realm". Node itself
    // resolves one copy; this makes vitest do the same.
    alias: [{ find: /^graphql$/, replacement: createRequire(import.meta.url).resolve('graphql') }],
  },
  test: {
    include: ['test/**/*.test.ts'],
    // Bounds that catch a hang, not measures of speed: tests that spawn cardql type-check its mappers and
    // start servers, and CI's machine is as shared as ours (a 20 s bound timed out there).
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
