#!/usr/bin/env bash
# seed-bench.sh — MeTorrent as a seeder, in a private network namespace with only 127.0.0.1.
#   1. Upload: aria2c downloads the same payload from `metorrent seed`, then from a libtorrent seeder,
#      alternately, RUNS times each: wall time, MiB/s and the seeder's peak RSS, and the medians.
#   2. Load: LEECHERS `metorrent download` processes at once against one `metorrent seed`: the seeder's
#      peak RSS, the time until every leecher has everything, and the slowest leecher's own time.
# Every download is checked against the payload's sha256.
#
# Usage (as root: network namespaces need it):
#   Download/Benchmarks/seed-bench.sh [options]
#     --size MB          upload payload in MiB (default 1024)
#     --runs N           aria2c downloads per seeder (default 3)
#     --leechers N       leechers in the load test (default 100; 0 skips it)
#     --leecher-mb MB    load payload in MiB (default 8)
#     --dir DIR          payloads, downloads and logs (default /tmp/metorrent-seed-bench)
#     --metorrent DLL    a built metorrent.dll (default: build Download in Release first)
#
# Needs (Debian): iproute2 openssl mktorrent aria2 python3-libtorrent (for /usr/bin/python3), .NET 10 SDK.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SWARM="$HERE/swarm"
REPO=$(cd "$HERE/../.." && pwd)
SYS_PY=/usr/bin/python3
TRACKER_PORT=6969 SEED_PORT=6881 ARIA2_DL_PORT=6892
SIZE_MB=1024 RUNS=3 LEECHERS=100 LEECHER_MB=8 DIR=/tmp/metorrent-seed-bench MT_DLL="" TIMEOUT=900

say() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { say "error: $*"; exit 1; }
usage() { sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
while [ $# -gt 0 ]; do
  case $1 in
    --size) SIZE_MB=$2; shift ;;
    --runs) RUNS=$2; shift ;;
    --leechers) LEECHERS=$2; shift ;;
    --leecher-mb) LEECHER_MB=$2; shift ;;
    --dir) DIR=$2; shift ;;
    --metorrent) MT_DLL=$(readlink -f "$2"); shift ;;
    -h|--help) usage ;;
    *) echo "seed-bench.sh: unknown option $1" >&2; usage ;;
  esac
  shift
done
[ "$(id -u)" -eq 0 ] || die "run as root: the benchmark creates a network namespace (ip netns add)"
for tool in ip openssl mktorrent aria2c sha256sum; do command -v $tool >/dev/null || die "missing $tool"; done
"$SYS_PY" -c 'import libtorrent' 2>/dev/null || die "missing python3-libtorrent for $SYS_PY"
if [ -z "$MT_DLL" ]; then
  say "building MeTorrent (Release)"
  dotnet build "$REPO/Download/Download.csproj" -c Release -v quiet -nologo >/dev/null || die "build failed"
  MT_DLL="$REPO/Download/bin/Release/net10.0/metorrent.dll"
fi
DOTNET=$(command -v dotnet)
. "$SWARM/measure.sh"

NS="metorrent-seed-bench-$$"
mkdir -p "$DIR"; DIR=$(readlink -f "$DIR")
STATE="$DIR/logs-$(date +%Y%m%d-%H%M%S)"; mkdir -p "$STATE"; : > "$STATE/seeders.txt"
nsx() { ip netns exec "$NS" "$@"; }
wait_listening() { local tries=$(($2 * 10)); while ((tries-- > 0)); do nsx ss -Hlnt "sport = :$1" | grep -q . && return 0; sleep 0.1; done; return 1; }
cleanup() {
  trap - EXIT INT TERM
  local pids; pids=$(ip netns pids "$NS" 2>/dev/null || true)
  [ -n "$pids" ] && { kill -TERM $pids 2>/dev/null || true; sleep 1; kill -KILL $pids 2>/dev/null || true; }
  ip netns delete "$NS" 2>/dev/null || true
  rm -rf "$DIR"/dl-* "$DIR"/leech-*
}
trap cleanup EXIT
trap 'exit 130' INT TERM
ip netns add "$NS" || die "ip netns add failed"
nsx ip link set lo up

# payload FILE MB: deterministic pseudo-random data, its sha256 beside it, and a torrent (256 KiB pieces).
payload() {
  local file=$1 mb=$2
  if [ ! -f "$file" ] || [ "$(stat -c %s "$file")" -ne $((mb * 1048576)) ]; then
    openssl enc -aes-128-ctr -nosalt -pbkdf2 -iter 1 -pass pass:seed-bench </dev/zero 2>/dev/null | head -c $((mb * 1048576)) > "$file" || true
    sha256sum "$file" | cut -d' ' -f1 > "$file.sha256"
    rm -f "$file.torrent"
  fi
  [ -f "$file.torrent" ] || mktorrent -l 18 -a "http://127.0.0.1:$TRACKER_PORT/announce" -o "$file.torrent" "$file" >/dev/null
  cat "$file" > /dev/null   # page cache: the disk is not what we measure
}

# seeder_peak PID: its peak resident memory in MiB so far (PID is the client itself: `ip netns exec` execs it,
# which is why seeders are started with it directly rather than through the nsx function, a subshell).
seeder_peak() { awk '/VmHWM/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status"; }

median() { sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

# ---- 1. upload speed: aria2c from metorrent seed vs from libtorrent ---------------------------------
if [ "$RUNS" -gt 0 ]; then
  UP="$DIR/upload-${SIZE_MB}M.bin"; payload "$UP" "$SIZE_MB"
  INFO_HASH=$("$SYS_PY" "$SWARM/torrent_info.py" hash "$UP.torrent")
  echo "127.0.0.1:$SEED_PORT" > "$STATE/seeders.txt"
  nsx "$SYS_PY" "$SWARM/tracker.py" --port $TRACKER_PORT --info-hash "$INFO_HASH" --seeders "$STATE/seeders.txt" >"$STATE/tracker.log" 2>&1 &
  tpid=$!
  wait_listening $TRACKER_PORT 10 || die "the tracker did not start"
  echo "# seed-bench $(date -u '+%Y-%m-%d %H:%M UTC'): aria2c downloads $SIZE_MB MiB from one seeder; load average $(cut -d' ' -f1-3 /proc/loadavg)"
  for run in $(seq 1 "$RUNS"); do
    for seeder in metorrent libtorrent; do
      case $seeder in
        metorrent) ip netns exec "$NS" "$DOTNET" "$MT_DLL" seed --no-tracker --quiet --port $SEED_PORT "$UP.torrent" "$UP" >"$STATE/seed-$seeder-$run.log" 2>&1 & ;;
        libtorrent) rm -f "$STATE/lt-ready"
                    ip netns exec "$NS" "$SYS_PY" "$SWARM/lt_peer.py" seed "$UP.torrent" "$DIR" --port $SEED_PORT --ready-file "$STATE/lt-ready" \
                      >"$STATE/seed-$seeder-$run.log" 2>&1 & ;;
      esac
      spid=$!
      wait_listening $SEED_PORT 120 || die "$seeder did not start seeding: $(tail -3 "$STATE/seed-$seeder-$run.log")"
      if [ $seeder = libtorrent ]; then for _ in $(seq 1 1200); do [ -f "$STATE/lt-ready" ] && break; sleep 0.1; done; fi
      sleep 1
      out="$DIR/dl-$seeder-$run"; rm -rf "$out"; mkdir -p "$out"
      run_measured "$STATE/aria2-$seeder-$run.log" "$TIMEOUT" aria2c --dir="$out" --seed-time=0 --enable-dht=false --enable-dht6=false \
        --bt-enable-lpd=false --enable-peer-exchange=false --listen-port=$ARIA2_DL_PORT --file-allocation=none \
        --summary-interval=0 --console-log-level=warn --bt-save-metadata=false "$UP.torrent"
      peak=$(seeder_peak "$spid")
      kill -TERM "$spid" 2>/dev/null; wait "$spid" 2>/dev/null || true
      got=$(sha256sum "$out/$(basename "$UP")" 2>/dev/null | cut -d' ' -f1)
      [ "$got" = "$(cat "$UP.sha256")" ] && check=ok || check=FAILED
      rm -rf "$out"
      rate=$(awk -v s="$M_WALL" -v mb="$SIZE_MB" 'BEGIN { printf "%.0f", mb / s }')
      echo "upload run $run: $seeder seeder -> aria2c: $M_WALL s ($rate MiB/s), seeder peak RSS $peak MiB, sha256 $check" | tee -a "$STATE/report.txt"
      echo "$seeder $M_WALL" >> "$STATE/upload.tsv"
    done
  done
  for seeder in metorrent libtorrent; do
    echo "upload median: $seeder seeder -> aria2c $(awk -v s=$seeder '$1 == s { print $2 }' "$STATE/upload.tsv" | median) s over $RUNS runs"
  done | tee -a "$STATE/report.txt"
  kill -TERM "$tpid" 2>/dev/null; wait "$tpid" 2>/dev/null || true
fi

# ---- 2. load: LEECHERS metorrent downloads at once from one metorrent seed ---------------------------
if [ "$LEECHERS" -gt 0 ]; then
  LOAD="$DIR/load-${LEECHER_MB}M.bin"; payload "$LOAD" "$LEECHER_MB"
  ip netns exec "$NS" "$DOTNET" "$MT_DLL" seed --no-tracker --quiet --port $SEED_PORT "$LOAD.torrent" "$LOAD" >"$STATE/load-seed.log" 2>&1 &
  spid=$!
  wait_listening $SEED_PORT 120 || die "metorrent seed did not start: $(tail -3 "$STATE/load-seed.log")"
  say "starting $LEECHERS leechers of $LEECHER_MB MiB each"
  start=$(date +%s.%N)
  for i in $(seq 1 "$LEECHERS"); do
    (
      s=$(date +%s.%N)
      nsx "$DOTNET" "$MT_DLL" download --quiet --timeout 600 -o "$DIR/leech-$i/$(basename "$LOAD")" --peer 127.0.0.1:$SEED_PORT "$LOAD.torrent" \
        >"$STATE/leech-$i.log" 2>&1 && rc=0 || rc=$?
      echo "$i $rc $(awk -v a="$s" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')" >> "$STATE/leechers.tsv"
    ) &
  done
  wait $(jobs -p | grep -v "^$spid$") 2>/dev/null || true
  total=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
  peak=$(seeder_peak "$spid")
  kill -TERM "$spid" 2>/dev/null; wait "$spid" 2>/dev/null || true
  want=$(cat "$LOAD.sha256"); ok=0
  for i in $(seq 1 "$LEECHERS"); do
    [ "$(sha256sum "$DIR/leech-$i/$(basename "$LOAD")" 2>/dev/null | cut -d' ' -f1)" = "$want" ] && ok=$((ok + 1))
  done
  slowest=$(sort -k3 -g "$STATE/leechers.tsv" | tail -1 | awk '{ print $3 }')
  fastest=$(sort -k3 -g "$STATE/leechers.tsv" | head -1 | awk '{ print $3 }')
  failed=$(awk '$2 != 0' "$STATE/leechers.tsv" | wc -l)
  {
    echo "load: $LEECHERS leechers x $LEECHER_MB MiB from one metorrent seed ($(nproc) cores, every leecher a separate process)"
    echo "  seeder peak RSS: $peak MiB"
    echo "  time to serve all: $total s (from starting the first leecher to the last one's exit)"
    echo "  slowest leecher: $slowest s; fastest: $fastest s; failed: $failed; byte-exact: $ok of $LEECHERS"
  } | tee -a "$STATE/report.txt"
fi
say "logs and report: $STATE"
