#!/usr/bin/env bash
# Provides the Redis the fleet tests share (test/fleet.test.ts, test/stale.test.ts): installs Debian's redis-server
# when missing, starts one on 127.0.0.1:6379 without persistence when none answers there. Idempotent.
# Root runs apt-get and redis-server directly (CI); anyone else goes through `sudo -n`. Tests read CARDQL_TEST_REDIS_URL.
set -euo pipefail

if [ -n "${CARDQL_TEST_REDIS_URL:-}" ]; then
  echo "tests use CARDQL_TEST_REDIS_URL: not starting one"
  exit 0
fi
host=127.0.0.1
# Another port only to try this script beside a Redis already running; the tests expect 6379.
port="${CARDQL_ENSURE_REDIS_PORT:-6379}"

answers() {
  # PING over bash's /dev/tcp, in a subshell: no redis-cli needed, and nothing left open.
  local reply
  reply=$( (exec 3<>"/dev/tcp/$host/$port" && printf 'PING\r\n' >&3 && timeout 2 head -c 5 <&3) 2>/dev/null ) || return 1
  [[ "$reply" == +PONG* ]]
}

if answers; then
  echo "redis answers on $host:$port"
  exit 0
fi
sudo=""
# -n: never wait for a password (this also runs before `npm test`); without rights it fails fast.
if [ "$(id -u)" -ne 0 ]; then sudo="sudo -n"; fi
if ! command -v redis-server >/dev/null 2>&1; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "redis-server is missing and this system has no apt-get: start a Redis yourself and set CARDQL_TEST_REDIS_URL" >&2
    exit 1
  fi
  echo "installing Debian's redis-server (apt-get) for the fleet tests"
  $sudo apt-get update
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y redis-server
fi
# A throwaway server for tests: loopback only, nothing written to disk, in the background.
echo "starting redis-server on $host:$port (no persistence)"
$sudo redis-server --bind "$host" --port "$port" --save '' --appendonly no --daemonize yes --protected-mode yes
for _ in $(seq 1 50); do
  if answers; then
    echo "redis answers on $host:$port"
    exit 0
  fi
  sleep 0.1
done
echo "redis-server was started but does not answer on $host:$port" >&2
exit 1
