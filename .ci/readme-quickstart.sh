#!/usr/bin/env bash
# Packs the library with a unique version, checks the packages' contents, then compiles and runs the first
# C# code block of README.md as a new console project that references the packed package.
set -euo pipefail
cd "$(dirname "$0")/.."
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

version="0.1.0-ci.$(date +%s)"
dotnet pack AudioVis.Cache.sln -c Release -o "$work/feed" -p:Version="$version" -v quiet -nologo >/dev/null
dotnet run --file .ci/check-packages.cs -- "$work/feed" "$version"

mkdir -p "$work/app"
awk '/^```csharp/{if(!done){inblock=1;next}} /^```/{if(inblock){inblock=0;done=1;next}} inblock{print}' README.md > "$work/app/Program.cs"
[ -s "$work/app/Program.cs" ] || { echo "README.md has no \`\`\`csharp block"; exit 1; }

cat > "$work/app/QuickStart.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <ImplicitUsings>enable</ImplicitUsings>
    <Nullable>enable</Nullable>
    <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="AudioVis.Cache" Version="$version" />
    <PackageReference Include="Microsoft.Extensions.DependencyInjection" Version="11.0.0" />
  </ItemGroup>
</Project>
XML
cat > "$work/app/nuget.config" <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <add key="audiovis-local" value="$work/feed" />
  </packageSources>
</configuration>
XML
# An empty Directory.Build.props keeps the repository's settings out of the scratch project.
echo '<Project />' > "$work/app/Directory.Build.props"
echo '<Project />' > "$work/app/Directory.Packages.props"

output="$(cd "$work/app" && dotnet run -c Release 2>&1)" || { echo "$output"; exit 1; }
echo "$output"
grep -q "missing" <<<"$output" || { echo "quick start printed no diff"; exit 1; }
echo "README quick start: compiled and ran against AudioVis.Cache $version"
