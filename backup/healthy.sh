#!/usr/bin/env bash
# Healthy when a complete dump is younger than two backup intervals.
set -euo pipefail
interval=${BACKUP_INTERVAL_SECONDS:-21600}
minutes=$(( (2 * interval + 59) / 60 ))
find "${BACKUP_DIR:?}" -maxdepth 1 -name 'kaspool-*.dump' -mmin "-$minutes" | grep -q .
