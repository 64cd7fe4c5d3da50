#!/usr/bin/env bash
# What `npm test` needs on a fresh machine, provided before it runs (npm's pretest): one ensure-* script per engine.
set -uo pipefail
cd "$(dirname "$0")/.."

bash scripts/ensure-chromium.sh || echo 'cardql: chromium is not installed, so the browser tests (test/browser) will fail; see docs/preview.md' >&2
bash scripts/ensure-redis.sh || echo 'cardql: no Redis on 127.0.0.1:6379, so the fleet tests (test/fleet.test.ts, test/stale.test.ts) will fail; set CARDQL_TEST_REDIS_URL to another' >&2
bash scripts/ensure-postgres.sh || echo 'cardql: no PostgreSQL server answers for the tests, so test/postgres.test.ts will fail; see scripts/ensure-postgres.sh and CARDQL_TEST_DATABASE_URL' >&2
