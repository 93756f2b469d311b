#!/usr/bin/env bash
# Soak test: a seeder and three churning leechers in one process for N minutes (default 10), on
# 127.0.0.1 only. Prints RSS, managed memory, open files and threads every 10 s; after the first
# minute they should stay flat. Usage: Download/Benchmarks/soak.sh [minutes]
set -euo pipefail
minutes="${1:-10}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
dotnet build -c Release "$root/Download/Download.csproj" -v q -nologo >/dev/null
exec dotnet "$root/Download/bin/Release/net10.0/metorrent.dll" bench soak --minutes "$minutes"
