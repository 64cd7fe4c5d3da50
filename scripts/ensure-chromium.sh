#!/usr/bin/env bash
# Installs Debian's chromium for the browser tests (test/browser) when it is missing. Idempotent.
# Root runs apt-get directly (CI); anyone else goes through sudo. CARDQL_CHROMIUM names another binary.
set -euo pipefail

chromium="${CARDQL_CHROMIUM:-/usr/bin/chromium}"
if [ -x "$chromium" ]; then
  echo "chromium found at $chromium"
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "chromium is missing at $chromium and this system has no apt-get: install chromium yourself and set CARDQL_CHROMIUM to its path" >&2
  exit 1
fi
sudo=""
# -n: never wait for a password (this also runs before `npm test`); without rights it fails fast.
if [ "$(id -u)" -ne 0 ]; then sudo="sudo -n"; fi
echo "installing Debian's chromium (apt-get) for the browser tests"
$sudo apt-get update
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y chromium
test -x "$chromium" || { echo "apt-get installed chromium, but not at $chromium: set CARDQL_CHROMIUM to its path" >&2; exit 1; }
