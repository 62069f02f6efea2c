#!/usr/bin/env bash
# Packs the library with a unique version, checks the packages' contents, then compiles and runs EVERY C# code
# block of README.md, each as a new console project that references only the packages named by the README's
# `dotnet add package` lines (AudioVis.* from the freshly packed feed, others at the versions this repository uses).
set -euo pipefail
cd "$(dirname "$0")/.."
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

version="0.1.0-ci.$(date +%s)"
dotnet pack AudioVis.Cache.sln -c Release -o "$work/feed" -p:Version="$version" -v quiet -nologo >/dev/null
dotnet run --file .ci/check-packages.cs -- "$work/feed" "$version"

packages=$(grep -oE '^dotnet add package [A-Za-z0-9.]+' README.md | awk '{print $4}' | sort -u)
[ -n "$packages" ] || { echo "README.md has no 'dotnet add package' line"; exit 1; }
references=""
for id in $packages; do
  case "$id" in
    AudioVis.*) v="$version" ;;
    *) v=$(grep -oE "<PackageVersion Include=\"$id\" Version=\"[^\"]+\"" Directory.Packages.props | sed -E 's/.*Version="([^"]+)"/\1/') ;;
  esac
  [ -n "$v" ] || { echo "README names package $id, which Directory.Packages.props does not pin"; exit 1; }
  references+="    <PackageReference Include=\"$id\" Version=\"$v\" />"$'\n'
done

blocks=$(awk '/^```csharp/{n++} END{print n+0}' README.md)
[ "$blocks" -gt 0 ] || { echo "README.md has no \`\`\`csharp block"; exit 1; }
for n in $(seq 1 "$blocks"); do
  app="$work/app$n"
  mkdir -p "$app"
  awk -v want="$n" '/^```csharp/{k++; if(k==want){inblock=1;next}} /^```/{if(inblock){inblock=0;next}} inblock{print}' README.md > "$app/Program.cs"
  cat > "$app/ReadmeBlock$n.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <ImplicitUsings>enable</ImplicitUsings>
    <Nullable>enable</Nullable>
    <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
  </PropertyGroup>
  <ItemGroup>
$references  </ItemGroup>
</Project>
XML
  cat > "$app/nuget.config" <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <add key="audiovis-local" value="$work/feed" />
  </packageSources>
</configuration>
XML
  # Empty Directory.*.props keep the repository's settings out of the scratch project.
  echo '<Project />' > "$app/Directory.Build.props"
  echo '<Project />' > "$app/Directory.Packages.props"
  output="$(cd "$app" && dotnet run -c Release 2>&1)" || { echo "README C# block $n failed:"; echo "$output"; exit 1; }
  echo "--- README C# block $n:"
  echo "$output"
  # Each block's own promise: the quick start prints a diff; the restart block ends with a clean diff after reopening.
  case $n in
    1) grep -q "missing" <<<"$output" || { echo "README block 1 (quick start) printed no diff"; exit 1; } ;;
  esac
  expected=$(sed -n 's|^// Expected output: ||p' "$app/Program.cs")
  if [ -n "$expected" ]; then
    grep -qF "$expected" <<<"$output" || { echo "README block $n did not print '$expected'"; exit 1; }
  fi
done
echo "README: $blocks C# block(s) compiled and ran against AudioVis.Cache $version"
