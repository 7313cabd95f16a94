#!/usr/bin/env bash
# The kaspool-backup service: a dump at start, then one every BACKUP_INTERVAL_SECONDS. A failed dump is logged
# and retried at the next turn; the healthcheck (healthy.sh) turns red when no dump is recent.
set -uo pipefail
interval=${BACKUP_INTERVAL_SECONDS:-21600}
[[ $interval =~ ^[1-9][0-9]*$ ]] || { echo "schedule: BACKUP_INTERVAL_SECONDS must be a positive integer, got '$interval'" >&2; exit 2; }
trap 'exit 0' TERM INT
while true; do
  kaspool-dump || echo "schedule: dump failed; next try in ${interval}s" >&2
  sleep "$interval" &
  wait $!
done
