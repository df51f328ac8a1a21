#!/usr/bin/env bash
# Installs the local stack's emulators into .local/ from the npm registry, at
# pinned versions: cognito-local and aws-ses-v2-local from the lockfile, and the
# DynamoDB Local jar from amplify-dynamodb-simulator, checked against its
# registry integrity hash. Runs again only when the pins change.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
local="$root/.local"
pins="$root/infra/local/emulators"
ddb_version=2.9.30
ddb_integrity='sha512-xTeeRLvzEfqyd5lh3bH4c0kHvSHHmmhD5ZDsHFKAQ5g2Zl6JqlFdutaQhCLHzxEp6Ry1o7TB6niIoXuQAnSewQ=='

mkdir -p "$local/emulators"
if ! cmp -s "$pins/package-lock.json" "$local/emulators/package-lock.json" || [ ! -d "$local/emulators/node_modules" ]; then
  echo "installing emulators (npm ci)"
  cp "$pins/package.json" "$pins/package-lock.json" "$local/emulators/"
  (cd "$local/emulators" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error)
fi

if [ "$(cat "$local/dynamodb/.version" 2>/dev/null)" != "$ddb_version" ]; then
  echo "installing DynamoDB Local (amplify-dynamodb-simulator@$ddb_version)"
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && npm pack "amplify-dynamodb-simulator@$ddb_version" --silent >/dev/null)
  tgz="$tmp/amplify-dynamodb-simulator-$ddb_version.tgz"
  got="sha512-$(openssl dgst -sha512 -binary "$tgz" | base64 -w0)"
  if [ "$got" != "$ddb_integrity" ]; then
    echo "amplify-dynamodb-simulator: integrity mismatch ($got)" >&2
    exit 1
  fi
  tar -xzf "$tgz" -C "$tmp"
  rm -rf "$local/dynamodb"
  mv "$tmp/package/emulator" "$local/dynamodb"
  echo "$ddb_version" > "$local/dynamodb/.version"
fi
