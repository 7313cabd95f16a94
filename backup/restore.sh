#!/usr/bin/env bash
# Restores a dump made by dump.sh into the database at DATABASE_URL: its public schema is dropped and rebuilt
# from the dump in one transaction, so a failed restore leaves the database as it was.
# Stop kaspool-app and kaspool-payer first: they must not write while their tables are replaced.
# Usage: DATABASE_URL=... restore.sh FILE
set -euo pipefail

: "${DATABASE_URL:?DATABASE_URL is not set}"
if [[ $# -ne 1 ]]; then echo "usage: DATABASE_URL=... restore.sh FILE" >&2; exit 2; fi
file=$1
[[ -f $file ]] || { echo "restore: no such file: $file" >&2; exit 2; }
pg_restore --list "$file" >/dev/null || { echo "restore: $file is not a pg_dump custom-format archive" >&2; exit 2; }

# The public schema is emptied first, so the database ends up exactly as dumped: a table a newer version added
# would otherwise outlive a restore of an older dump and break that version's migrations.
# The script is written out in full first: psql must never commit the first half of an archive that fails to read.
sql=$(mktemp)
trap 'rm -f "$sql"' EXIT
echo "SET client_min_messages = warning; DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;" >"$sql"
pg_restore --no-owner --no-privileges --file=- "$file" >>"$sql"
psql --quiet --no-psqlrc --set=ON_ERROR_STOP=1 --single-transaction --output=/dev/null --file="$sql" --dbname="$DATABASE_URL"
echo "restore: restored $file"
