#!/usr/bin/env bash
# Resolves a merge conflict in a PublicAPI.*.txt file: the union of both sides' lines, sorted ordinally.
set -euo pipefail
file="$1"
{ git show ":2:$file"; git show ":3:$file"; } | grep -v '^#nullable enable$' | grep -v '^$' | LC_ALL=C sort -u > "$file.tmp"
{ echo '#nullable enable'; cat "$file.tmp"; } > "$file"
rm "$file.tmp"
git add "$file"
