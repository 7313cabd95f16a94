#!/usr/bin/env bash
# One Postgres dump: pg_dump's custom format (compressed, restorable table by table with pg_restore) into
# $BACKUP_DIR/kaspool-YYYYMMDDTHHMMSSZ.dump, then retention. Usage: DATABASE_URL=... BACKUP_DIR=... dump.sh
# Retention: a dump older than BACKUP_KEEP_DAYS days, or beyond the newest BACKUP_KEEP_COUNT, is deleted; the
# newest complete dump is never deleted, so a failing schedule cannot leave you with none.
set -euo pipefail

: "${DATABASE_URL:?DATABASE_URL is not set}"
: "${BACKUP_DIR:?BACKUP_DIR is not set}"
keep_count=${BACKUP_KEEP_COUNT:-28}
keep_days=${BACKUP_KEEP_DAYS:-14}
[[ $keep_count =~ ^[1-9][0-9]*$ ]] || { echo "dump: BACKUP_KEEP_COUNT must be a positive integer, got '$keep_count'" >&2; exit 2; }
[[ $keep_days =~ ^[0-9]+$ ]] || { echo "dump: BACKUP_KEEP_DAYS must be a non-negative integer, got '$keep_days'" >&2; exit 2; }

mkdir -p "$BACKUP_DIR"
name="kaspool-$(date -u +%Y%m%dT%H%M%SZ).dump"
# Two dumps in one second would share a name: the second waits, so no dump ever replaces another.
while [[ -e $BACKUP_DIR/$name ]]; do sleep 1; name="kaspool-$(date -u +%Y%m%dT%H%M%SZ).dump"; done
partial="$BACKUP_DIR/.$name.partial"
trap 'rm -f "$partial"' EXIT
# A dump is one consistent snapshot (a single repeatable-read transaction); the pool keeps running meanwhile.
pg_dump --format=custom --no-owner --no-privileges --file="$partial" --dbname="$DATABASE_URL"
# Only a finished dump gets its final name, so every kaspool-*.dump is complete.
mv "$partial" "$BACKUP_DIR/$name"
trap - EXIT
echo "dump: wrote $BACKUP_DIR/$name ($(stat -c %s "$BACKUP_DIR/$name") bytes)"

# Names sort by time. Newest first; skip the newest, then delete by count or by age.
mapfile -t dumps < <(find "$BACKUP_DIR" -maxdepth 1 -name 'kaspool-*.dump' -printf '%f\n' | sort -r)
cutoff=$(( $(date +%s) - keep_days * 86400 ))
for i in "${!dumps[@]}"; do
  (( i == 0 )) && continue
  file="$BACKUP_DIR/${dumps[$i]}"
  if (( i >= keep_count )) || (( $(stat -c %Y "$file") < cutoff )); then
    rm -f "$file"
    echo "dump: removed ${dumps[$i]}"
  fi
done
