#!/bin/sh
# Lists exported notes not modified in the last N days (default 90).
dir="${NOTES_EXPORT_DIR:-./exports}"
days="${1:-90}"
echo "report: stale-notes (older than $days days)"
[ -d "$dir" ] && find "$dir" -type f -mtime +"$days" -print || true
