#!/usr/bin/env bash
# Restores a dump made by dump.sh into the database at DATABASE_URL: every kaspool table is dropped and rebuilt
# from the dump in one transaction, so a failed restore leaves the database as it was.
# Stop kaspool-app and kaspool-payer first: they must not write while their tables are replaced.
# Usage: DATABASE_URL=... restore.sh FILE
set -euo pipefail

: "${DATABASE_URL:?DATABASE_URL is not set}"
if [[ $# -ne 1 ]]; then echo "usage: DATABASE_URL=... restore.sh FILE" >&2; exit 2; fi
file=$1
[[ -f $file ]] || { echo "restore: no such file: $file" >&2; exit 2; }
pg_restore --list "$file" >/dev/null || { echo "restore: $file is not a pg_dump custom-format archive" >&2; exit 2; }

pg_restore --clean --if-exists --no-owner --no-privileges --single-transaction --exit-on-error \
  --dbname="$DATABASE_URL" "$file"
echo "restore: restored $file"
