#!/bin/sh
# Prints how many notes were exported to $NOTES_EXPORT_DIR and their total word count.
dir="${NOTES_EXPORT_DIR:-./exports}"
since="$1"
echo "report: word-count ${since:+since $since}"
if [ -d "$dir" ]; then
  echo "files: $(ls -1 "$dir" | wc -l)"
  echo "words: $(cat "$dir"/* 2>/dev/null | wc -w)"
else
  echo "files: 0"
  echo "words: 0"
fi
