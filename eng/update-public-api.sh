#!/usr/bin/env bash
# Brings the project's PublicAPI.Unshipped.txt in line with the code: adds every symbol the PublicApiAnalyzers report
# as undeclared (RS0016) and removes every declared symbol that is no longer public (RS0017).
# Usage: eng/update-public-api.sh src/AudioVis.Cache/AudioVis.Cache.csproj
set -euo pipefail
project="$1"
dir="$(dirname "$project")"
unshipped="$dir/PublicAPI.Unshipped.txt"
output=$(dotnet build "$project" -c Release --no-incremental 2>&1 || true)
added=$(grep -o "RS0016: Symbol '.*' is not part of the declared public API" <<<"$output" \
  | sed -e "s/^RS0016: Symbol '//" -e "s/' is not part of the declared public API$//" | sort -u || true)
removed=$(grep -o "RS0017: Symbol '.*' is part of the declared API, but is either not public or could not be found" <<<"$output" \
  | sed -e "s/^RS0017: Symbol '//" -e "s/' is part of the declared API, but is either not public or could not be found$//" | sort -u || true)
[ -n "$added$removed" ] || { echo "nothing to change"; exit 0; }
{ tail -n +2 "$unshipped"; [ -z "$added" ] || printf '%s\n' "$added"; } | grep -v '^$' | LC_ALL=C sort -u > "$unshipped.tmp"
if [ -n "$removed" ]; then
  grep -vxF -f <(printf '%s\n' "$removed") "$unshipped.tmp" > "$unshipped.tmp2" || true
  mv "$unshipped.tmp2" "$unshipped.tmp"
fi
{ echo '#nullable enable'; cat "$unshipped.tmp"; } > "$unshipped"
rm "$unshipped.tmp"
echo "added $(grep -c . <<<"$added" || true), removed $(grep -c . <<<"$removed" || true) symbol(s) in $unshipped"
