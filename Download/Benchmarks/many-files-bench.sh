#!/usr/bin/env bash
# many-files-bench.sh — a torrent of N one-byte files (default 1,000,000), on 127.0.0.1 only.
#   `metorrent create` makes the torrent, `metorrent seed --no-tracker` serves it, and the real
#   `metorrent download --peer 127.0.0.1:PORT` fetches it under `ulimit -n 1024`. Prints the download's
#   wall time, peak RSS (from /usr/bin/time -v), the most files it held open at once (sampled from
#   /proc every 0.2 s), the seeder's peak RSS, and checks the download: every file there, the same bytes.
#
# Usage: Download/Benchmarks/many-files-bench.sh [N] [--dir DIR] [--metorrent DLL]
#   N               files (default 1000000), 1,000 per folder
#   --dir DIR       where the files go (default /tmp/metorrent-many-files; N files twice, ~8 KiB each on ext4)
#   --metorrent DLL a built metorrent.dll (default: build Download in Release first)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
N=1000000 DIR=/tmp/metorrent-many-files MT_DLL="" OPEN_FILE_LIMIT=1024
while [ $# -gt 0 ]; do
  case $1 in
    --dir) DIR=$2; shift ;;
    --metorrent) MT_DLL=$(readlink -f "$2"); shift ;;
    -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
    [0-9]*) N=$1 ;;
    *) echo "many-files-bench.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
say() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
if [ -z "$MT_DLL" ]; then
  say "building MeTorrent (Release)"
  dotnet build "$REPO/Download/Download.csproj" -c Release -v quiet -nologo >/dev/null
  MT_DLL="$REPO/Download/bin/Release/net10.0/metorrent.dll"
fi
DOTNET=$(command -v dotnet)
mt() { "$DOTNET" "$MT_DLL" "$@"; }

mkdir -p "$DIR"; DIR=$(readlink -f "$DIR")
SRC="$DIR/source" OUT="$DIR/out" TORRENT="$DIR/many.torrent"
rm -rf "$OUT" "$TORRENT"
SEEDER_PID=""
cleanup() { [ -n "$SEEDER_PID" ] && kill $(pgrep -P "$SEEDER_PID") "$SEEDER_PID" 2>/dev/null; wait 2>/dev/null; true; }
trap cleanup EXIT

if [ "$(cat "$DIR/source.written" 2>/dev/null)" != "$N" ]; then   # the files of an earlier run with the same N are kept
rm -rf "$SRC" "$DIR/source.written"
say "writing $N one-byte files"
python3 - "$SRC" "$N" <<'EOF'
import os, sys
root, n = sys.argv[1], int(sys.argv[2])
for i in range(n):
    folder = os.path.join(root, f"d{i // 1000:04}")
    if i % 1000 == 0: os.makedirs(folder)
    with open(os.path.join(folder, f"f{i:07}"), "wb") as f: f.write(bytes([i & 255]))
EOF
echo "$N" > "$DIR/source.written"
fi

say "metorrent create"
start=$(date +%s.%N)
mt create --no-date -o "$TORRENT" "$SRC" >/dev/null
say "  $(printf '%.1f' "$(echo "$(date +%s.%N) - $start" | bc)") s, torrent $(du -h "$TORRENT" | cut -f1)"

say "metorrent seed"
/usr/bin/time -v -o "$DIR/seed.time" "$DOTNET" "$MT_DLL" seed --no-tracker --port 0 --quiet "$TORRENT" "$SRC" > "$DIR/seed.out" 2> "$DIR/seed.err" &
SEEDER_PID=$!
PORT=""
for _ in $(seq 1 1200); do
  PORT=$(sed -n 's/.* on port \([0-9]*\)\./\1/p' "$DIR/seed.out"); [ -n "$PORT" ] && break
  kill -0 "$SEEDER_PID" 2>/dev/null || { cat "$DIR/seed.err" >&2; exit 1; }
  sleep 0.5
done
[ -n "$PORT" ] || { say "the seeder never started"; exit 1; }
say "  seeding on 127.0.0.1:$PORT"

say "metorrent download (ulimit -n $OPEN_FILE_LIMIT)"
start=$(date +%s.%N)
( ulimit -n $OPEN_FILE_LIMIT
  exec /usr/bin/time -v -o "$DIR/download.time" "$DOTNET" "$MT_DLL" download -o "$OUT" "$TORRENT" \
       --peer "127.0.0.1:$PORT" --quiet --timeout 120 ) > "$DIR/download.out" 2> "$DIR/download.err" &
TIME_PID=$!
max_open=0
while kill -0 "$TIME_PID" 2>/dev/null; do
  child=$(pgrep -P "$TIME_PID" | head -1 || true)
  if [ -n "$child" ]; then
    open=$(ls "/proc/$child/fd" 2>/dev/null | wc -l)
    [ "$open" -gt "$max_open" ] && max_open=$open
  fi
  sleep 0.2
done
wait "$TIME_PID" && status=0 || status=$?
wall=$(echo "$(date +%s.%N) - $start" | bc)
[ "$status" -eq 0 ] || { say "download failed (exit $status):"; cat "$DIR/download.err" >&2; exit 1; }
kill $(pgrep -P "$SEEDER_PID") 2>/dev/null; wait "$SEEDER_PID" 2>/dev/null || true; SEEDER_PID=""   # stop the seeder, not /usr/bin/time

say "checking the download"
fingerprint() { (cd "$1" && find . -type f -printf '%P\n' | LC_ALL=C sort | tee >(wc -l > "$2.count") | tr '\n' '\0' | xargs -0 cat | sha256sum | cut -c1-16); }
src_hash=$(fingerprint "$SRC" "$DIR/src"); out_hash=$(fingerprint "$OUT" "$DIR/out")
[ "$src_hash" = "$out_hash" ] && [ "$(cat "$DIR/src.count")" = "$(cat "$DIR/out.count")" ] \
  || { say "the download differs from the source ($(cat "$DIR/out.count") files, sha256 $out_hash vs $src_hash)"; exit 1; }

kib() { sed -n "s/.*Maximum resident set size (kbytes): //p" "$1"; }
printf 'files: %d (one byte each), all present, sha256 of the contents %s\n' "$(cat "$DIR/out.count")" "$out_hash"
printf 'download: %.1f s wall, peak RSS %d MiB, at most %d files open (ulimit -n %d)\n' \
  "$wall" $(( $(kib "$DIR/download.time") / 1024 )) "$max_open" "$OPEN_FILE_LIMIT"
printf 'seeder: peak RSS %d MiB\n' $(( $(kib "$DIR/seed.time") / 1024 ))
printf 'machine: %s cores, load average %s\n' "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)"
