#!/usr/bin/env bash
# Makes the PostgreSQL server the tests use (test/support/postgres.ts) answer, on a fresh Debian machine too. Idempotent.
#
# The tests connect to CARDQL_TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres) and
# create throwaway databases there. When that already answers, this does nothing. Otherwise, for a server
# on this machine: installs Debian's postgresql (apt-get) when missing, creates a cluster on the URL's port
# when there is none, starts it when it is down, and, when the URL has no password but the server asks for
# one (Debian's default for TCP is scram-sha-256), lets the URL's user in from loopback only with a `trust`
# rule at the top of that cluster's pg_hba.conf (marked `cardql tests`; delete those lines to undo).
# Root runs the system commands directly (CI); anyone else goes through `sudo -n` (never prompts).
set -euo pipefail
cd "$(dirname "$0")/.."

url="${CARDQL_TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}"

# ok | refused | auth | other:<message>, from a real connection as the tests make it (pg, from node_modules).
probe() {
  node --input-type=module -e '
    import pg from "pg";
    const client = new pg.Client({ connectionString: process.argv[1], connectionTimeoutMillis: 5000 });
    client.on("error", () => {});
    try {
      await client.connect();
      await client.query("SELECT 1");
      console.log("ok");
    } catch (error) {
      const auth = ["28P01", "28000"].includes(error.code) || /password|SASL|authentication/i.test(error.message);
      console.log(error.code === "ECONNREFUSED" || error.code === "ENOENT" ? "refused" : auth ? "auth" : `other:${error.code ?? ""} ${error.message}`);
    } finally {
      await client.end().catch(() => {});
    }
  ' "$url"
}

# The URL with its password hidden, for messages.
shown="$(node -e 'const u = new URL(process.argv[1]); if (u.password) u.password = "***"; console.log(u.href)' "$url")"
read -r host port user password < <(node -e 'const u = new URL(process.argv[1]); console.log(u.hostname || "127.0.0.1", u.port || 5432, decodeURIComponent(u.username) || "postgres", u.password ? "yes" : "no")' "$url")

state="$(probe)"
if [ "$state" = ok ]; then
  echo "PostgreSQL for the tests answers at $shown"
  exit 0
fi
case "$host" in
  127.0.0.1 | localhost | "[::1]" | ::1) ;;
  *)
    echo "PostgreSQL for the tests does not answer at $shown ($state), and it is not on this machine: start it, or set CARDQL_TEST_DATABASE_URL" >&2
    exit 1
    ;;
esac

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if ! command -v sudo >/dev/null 2>&1 || ! sudo -n true 2>/dev/null; then
    echo "PostgreSQL for the tests does not answer at $shown ($state), and setting it up needs root or password-less sudo: run 'sudo bash scripts/ensure-postgres.sh' once, or set CARDQL_TEST_DATABASE_URL to a server that lets you CREATE DATABASE" >&2
    exit 1
  fi
  sudo="sudo -n"
fi

if ! command -v pg_lsclusters >/dev/null 2>&1; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "PostgreSQL is not installed and this system has no apt-get: install PostgreSQL 13 or newer yourself and set CARDQL_TEST_DATABASE_URL" >&2
    exit 1
  fi
  echo "installing Debian's postgresql (apt-get) for the tests"
  $sudo apt-get update
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y postgresql
fi

# The cluster on the URL's port: "<version> <name> <status>".
cluster_on_port() { pg_lsclusters -h | awk -v port="$port" '$3 == port { print $1, $2, $4; exit }'; }
cluster="$(cluster_on_port)"
if [ -z "$cluster" ]; then
  version="$(ls /usr/lib/postgresql | sort -V | tail -n 1)"
  echo "creating PostgreSQL cluster $version/cardql on port $port for the tests"
  $sudo pg_createcluster "$version" cardql --port "$port"
  cluster="$(cluster_on_port)"
fi
read -r version name status <<<"$cluster"
if [ "$status" != online ]; then
  echo "starting PostgreSQL cluster $version/$name on port $port"
  $sudo pg_ctlcluster "$version" "$name" start
fi
for _ in $(seq 1 30); do
  state="$(probe)"
  [ "$state" = refused ] || break
  sleep 1
done

if [ "$state" = auth ] && [ "$password" = no ]; then
  hba="/etc/postgresql/$version/$name/pg_hba.conf"
  if ! $sudo grep -q 'cardql tests' "$hba"; then
    echo "letting '$user' connect from loopback without a password (trust) in $hba, for the tests"
    updated="$(mktemp)"
    {
      echo "# cardql tests (scripts/ensure-postgres.sh): '$user' from loopback without a password. Delete these three lines to undo."
      echo "host all $user 127.0.0.1/32 trust"
      echo "host all $user ::1/128 trust"
      $sudo cat "$hba"
    } >"$updated"
    # cp into the existing file keeps its owner and mode.
    $sudo cp "$updated" "$hba"
    rm -f "$updated"
  fi
  $sudo pg_ctlcluster "$version" "$name" reload
  sleep 1
  state="$(probe)"
fi

if [ "$state" != ok ]; then
  echo "PostgreSQL for the tests still does not answer at $shown ($state): see /var/log/postgresql/postgresql-$version-$name.log, or set CARDQL_TEST_DATABASE_URL" >&2
  exit 1
fi
echo "PostgreSQL for the tests answers at $shown"
