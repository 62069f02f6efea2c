#!/usr/bin/env bash
# Adds every symbol the PublicApiAnalyzers report as undeclared (RS0016) to the project's PublicAPI.Unshipped.txt.
# Usage: eng/update-public-api.sh src/AudioVis.Cache/AudioVis.Cache.csproj
set -euo pipefail
project="$1"
dir="$(dirname "$project")"
unshipped="$dir/PublicAPI.Unshipped.txt"
symbols=$(dotnet build "$project" -c Release --no-incremental 2>&1 \
  | grep -o "RS0016: Symbol '.*' is not part of the declared public API" \
  | sed -e "s/^RS0016: Symbol '//" -e "s/' is not part of the declared public API$//" | sort -u || true)
[ -n "$symbols" ] || { echo "nothing to add"; exit 0; }
{ tail -n +2 "$unshipped"; printf '%s\n' "$symbols"; } | grep -v '^$' | LC_ALL=C sort -u > "$unshipped.tmp"
{ echo '#nullable enable'; cat "$unshipped.tmp"; } > "$unshipped"
rm "$unshipped.tmp"
echo "added $(printf '%s\n' "$symbols" | wc -l) symbol(s) to $unshipped"
