#!/usr/bin/env bash
# swarm-bench.sh — MeTorrent against aria2c and libtorrent, downloading the same torrent from the
# same seeders (libtorrent, Transmission, aria2, qBittorrent) over 127.0.0.1 in a private network
# namespace that has nothing but a loopback interface. Prints every wall time, MeTorrent's time
# ratio to each other downloader, each downloader's peak memory, and this machine's ceilings
# (single-core SHA-1, loopback TCP). Every download is checked against the payload's sha256.
#
# Usage (as root: network namespaces need it):
#   Download/Benchmarks/swarm-bench.sh [options]
#     --size MB           payload size in MiB (default 1024)
#     --piece-kib K       piece length in KiB, a power of two (default 256)
#     --seeders LIST      comma-separated subset of libtorrent,transmission,aria2,qbittorrent (default all)
#     --downloaders LIST  comma-separated subset of metorrent,aria2,libtorrent (default all, in that order)
#     --runs N            download N times with each downloader and report medians (default 1)
#     --warmup N          untimed downloads by each downloader before the timed ones (default 1)
#     --dir DIR           payload, torrent, downloads and logs (default /tmp/metorrent-bench)
#     --metorrent DLL     a built metorrent.dll (default: build Download in Release first)
#     --metorrent-args A  extra arguments for `metorrent download` (e.g. "--peer 127.0.0.1:6881")
#     --timeout S         give up on one download after S seconds (default 900)
#     --no-ceilings       skip the SHA-1 and loopback measurements
#
# Needs (Debian): iproute2 mktorrent openssl curl iperf3 aria2 transmission-daemon transmission-cli
# qbittorrent-nox python3-libtorrent (for /usr/bin/python3) and the .NET 10 SDK. It installs nothing:
# it lists what is missing and stops. Peers find each other through swarm/tracker.py, a tiny static
# tracker (aria2c can only learn peers from a tracker). Everything it starts dies with it (trap).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SWARM="$HERE/swarm"
REPO=$(cd "$HERE/../.." && pwd)
SYS_PY=/usr/bin/python3
TRACKER_PORT=6969 LT_DL_PORT=6891 ARIA2_DL_PORT=6892

SIZE_MB=1024 PIECE_KIB=256 RUNS=1 WARMUP=1 DIR=/tmp/metorrent-bench TIMEOUT=900 CEILINGS=1
SEEDERS="libtorrent,transmission,aria2,qbittorrent" DOWNLOADERS="metorrent,aria2,libtorrent"
MT_DLL="" MT_ARGS=""
READY_TIMEOUT=300

say() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { say "error: $*"; exit 1; }
usage() { sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }

while [ $# -gt 0 ]; do
  case $1 in
    --size) SIZE_MB=$2; shift ;;
    --piece-kib) PIECE_KIB=$2; shift ;;
    --seeders) SEEDERS=$2; shift ;;
    --downloaders) DOWNLOADERS=$2; shift ;;
    --runs) RUNS=$2; shift ;;
    --warmup) WARMUP=$2; shift ;;
    --dir) DIR=$2; shift ;;
    --metorrent) MT_DLL=$(readlink -f "$2"); shift ;;
    --metorrent-args) MT_ARGS=$2; shift ;;
    --timeout) TIMEOUT=$2; shift ;;
    --no-ceilings) CEILINGS=0 ;;
    -h|--help) usage ;;
    *) echo "swarm-bench.sh: unknown option $1" >&2; usage ;;
  esac
  shift
done
SEEDERS=${SEEDERS//,/ } DOWNLOADERS=${DOWNLOADERS//,/ }
[[ $SIZE_MB =~ ^[1-9][0-9]*$ ]] || die "--size wants a whole number of MiB"
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "--runs wants a positive number"
[[ $WARMUP =~ ^[0-9]+$ ]] || die "--warmup wants a whole number"
PIECE_LOG=$(awk -v k="$PIECE_KIB" 'BEGIN { l = log(k * 1024) / log(2); if (l == int(l) && l >= 14 && l <= 24) print l }')
[ -n "$PIECE_LOG" ] || die "--piece-kib wants a power of two from 16 to 16384"
for s in $SEEDERS; do [[ $s =~ ^(libtorrent|transmission|aria2|qbittorrent)$ ]] || die "unknown seeder $s"; done
for d in $DOWNLOADERS; do [[ $d =~ ^(metorrent|aria2|libtorrent)$ ]] || die "unknown downloader $d"; done
[ -n "$SEEDERS" ] && [ -n "$DOWNLOADERS" ] || die "at least one seeder and one downloader"

# ---- what this run needs, and what is missing ------------------------------------------------
[ "$(id -u)" -eq 0 ] || die "run as root: the benchmark creates a network namespace (ip netns add)"
missing=()
need() { command -v "$1" >/dev/null 2>&1 || missing+=("$2"); }
uses() { [[ " $SEEDERS $DOWNLOADERS " == *" $1 "* ]]; }
need ip iproute2; need ss iproute2; need mktorrent mktorrent; need openssl openssl; need sha256sum coreutils
[ -x "$SYS_PY" ] || missing+=(python3)
if uses libtorrent && ! "$SYS_PY" -c 'import libtorrent' 2>/dev/null; then missing+=(python3-libtorrent); fi
uses aria2 && need aria2c aria2
uses transmission && { need transmission-daemon transmission-daemon; need transmission-remote transmission-cli; }
uses qbittorrent && { need qbittorrent-nox qbittorrent-nox; need curl curl; }
[ "$CEILINGS" = 1 ] && need iperf3 iperf3
uses metorrent && [ -z "$MT_DLL" ] && ! command -v dotnet >/dev/null && die "dotnet (the .NET 10 SDK) is not on PATH"
if [ ${#missing[@]} -gt 0 ]; then
  mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
  die "missing packages: ${missing[*]} — install them with: apt-get install -y ${missing[*]}"
fi

. "$SWARM/seeders.sh"
. "$SWARM/measure.sh"

# ---- MeTorrent build ----------------------------------------------------------------------------
if uses metorrent; then
  if [ -z "$MT_DLL" ]; then
    say "building MeTorrent (Release)"
    dotnet build -c Release -nologo -v q "$REPO/Download/Download.csproj" >/dev/null || die "dotnet build failed"
    MT_DLL="$REPO/Download/bin/Release/net10.0/metorrent.dll"
  fi
  [ -f "$MT_DLL" ] || die "no $MT_DLL"
  DOTNET=$(command -v dotnet)
  "$DOTNET" "$MT_DLL" --help | grep -qw download || die "$MT_DLL has no download command yet"
fi

# ---- payload and torrent (kept in --dir and reused by the next run) ------------------------------
mkdir -p "$DIR"; DIR=$(readlink -f "$DIR")
NAME="payload-${SIZE_MB}M.bin" DATA_DIR="$DIR/data"
DATA="$DATA_DIR/$NAME" TORRENT="$DIR/payload-${SIZE_MB}M-${PIECE_KIB}k.torrent"
mkdir -p "$DATA_DIR"
if [ ! -f "$DATA" ] || [ "$(stat -c %s "$DATA")" -ne $((SIZE_MB * 1048576)) ] || [ ! "$DATA.sha256" -nt "$DATA" ]; then
  say "writing $SIZE_MB MiB of pseudo-random data to $DATA"
  # AES-CTR keystream: fast, incompressible and the same on every run
  openssl enc -aes-128-ctr -nosalt -pbkdf2 -iter 1 -pass pass:metorrent-bench </dev/zero 2>/dev/null \
    | head -c $((SIZE_MB * 1048576)) > "$DATA" || true
  [ "$(stat -c %s "$DATA")" -eq $((SIZE_MB * 1048576)) ] || die "could not write $DATA"
  sha256sum "$DATA" | cut -d' ' -f1 > "$DATA.sha256"
fi
WANT_SHA=$(cat "$DATA.sha256")
if [ ! -f "$TORRENT" ] || [ ! "$TORRENT" -nt "$DATA" ]; then
  rm -f "$TORRENT"
  mktorrent -l "$PIECE_LOG" -a "http://127.0.0.1:$TRACKER_PORT/announce" -o "$TORRENT" "$DATA" >/dev/null \
    || die "mktorrent failed"
fi
INFO_HASH=$("$SYS_PY" "$SWARM/torrent_info.py" hash "$TORRENT")
BYTES=$((SIZE_MB * 1048576))
cat "$DATA" > /dev/null   # the seeders read from the page cache, so the disk is not what we measure

# ---- the namespace, and cleaning up on any exit ---------------------------------------------------
NS="metorrent-bench-$$"
STATE="$DIR/logs-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$STATE"; : > "$STATE/seeders.txt"
nsx() { ip netns exec "$NS" "$@"; }
cleanup() {
  trap - EXIT INT TERM
  local pids
  pids=$(ip netns pids "$NS" 2>/dev/null || true)
  if [ -n "$pids" ]; then
    kill -TERM $pids 2>/dev/null || true
    for _ in $(seq 1 50); do pids=$(ip netns pids "$NS" 2>/dev/null || true); [ -z "$pids" ] && break; sleep 0.1; done
    [ -n "$pids" ] && kill -KILL $pids 2>/dev/null || true
  fi
  jobs -p | xargs -r kill 2>/dev/null || true
  ip netns delete "$NS" 2>/dev/null || true
  rm -rf "$DIR"/dl-*
}
trap cleanup EXIT
trap 'exit 130' INT TERM
ip netns add "$NS" || die "ip netns add failed"
nsx ip link set lo up

nsx "$SYS_PY" "$SWARM/tracker.py" --port $TRACKER_PORT --info-hash "$INFO_HASH" --seeders "$STATE/seeders.txt" \
  >"$STATE/tracker.log" 2>&1 &
wait_listening $TRACKER_PORT 10 || die "the tracker did not start: $(cat "$STATE/tracker.log")"

{
  echo "# swarm-bench $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo) RAM, Linux $(uname -r)"
  versions=()
  uses metorrent && versions+=("MeTorrent $(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo '?') (.NET $("$DOTNET" --list-runtimes | awk '/NETCore.App/ { v = $2 } END { print v }'))")
  uses libtorrent && versions+=("libtorrent $("$SYS_PY" -c 'import libtorrent; print(libtorrent.__version__)')")
  uses aria2 && versions+=("$(aria2c --version | head -1 | sed 's/ version//')")
  uses transmission && versions+=("$(transmission-daemon -V 2>&1 | head -1 | cut -d' ' -f1-2)")
  uses qbittorrent && versions+=("$(qbittorrent-nox -v 2>&1 | head -1)")
  echo "clients: $(IFS=,; echo "${versions[*]}" | sed 's/,/, /g')"
  echo "load average before the run (other work on this machine skews the figures): $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "payload: $SIZE_MB MiB single file, ${PIECE_KIB} KiB pieces; seeders: ${SEEDERS// /, }; runs per downloader: $RUNS (after $WARMUP untimed), in turn"
} | tee "$STATE/report.md"

if [ "$CEILINGS" = 1 ]; then
  say "measuring this machine's ceilings"
  {
    echo "ceiling, SHA-1 on one core: $(sha1_ceiling)"
    # Our own figure too, when `metorrent bench` measures piece hashing (it prints a SHA-1 line).
    if uses metorrent && "$DOTNET" "$MT_DLL" bench --help 2>/dev/null | grep -qiE 'sha-?1 (throughput|speed|hashing)|piece hash'; then
      timeout 300 "$DOTNET" "$MT_DLL" bench 2>&1 | grep -iE 'sha-?1|piece hash' | sed 's/^/ceiling, metorrent bench: /'
    fi
    echo "ceiling, loopback TCP: $(loopback_ceiling)"
  } | tee -a "$STATE/report.md"
fi

for s in $SEEDERS; do start_seeder "$s"; done

# ---- the downloads ----------------------------------------------------------------------------------
downloader_command() {  # downloader_command CLIENT OUT -> sets CMD
  case $1 in
    metorrent)
      # -o names the output file itself for a single-file torrent
      CMD=("$DOTNET" "$MT_DLL" download -o "$2/$NAME" "$TORRENT" --quiet)
      if [ -n "$MT_ARGS" ]; then read -ra extra <<<"$MT_ARGS"; CMD+=("${extra[@]}"); fi ;;
    aria2) CMD=(aria2c --dir="$2" --seed-time=0 --enable-dht=false --enable-dht6=false --bt-enable-lpd=false
                --enable-peer-exchange=false --listen-port=$ARIA2_DL_PORT --interface=127.0.0.1 --disable-ipv6=true
                --file-allocation=none --bt-max-peers=0 --max-overall-download-limit=0 --bt-save-metadata=false
                --auto-save-interval=0 --summary-interval=0 --console-log-level=warn --download-result=hide "$TORRENT") ;;
    libtorrent) CMD=("$SYS_PY" "$SWARM/lt_peer.py" download "$TORRENT" "$2" --port $LT_DL_PORT --timeout "$TIMEOUT") ;;
  esac
}

RESULTS="$STATE/results.tsv"; : > "$RESULTS"
failures=0
download_once() {  # download_once CLIENT LABEL [RUN]: one checked download; with a RUN number, its figures go to $RESULTS
  local d=$1 label=$2 out="$DIR/dl-$1"
  uses transmission && refresh_transmission
  rm -rf "$out"; mkdir -p "$out"; sync
  downloader_command "$d" "$out"
  say "$label: $d downloading"
  seeders_before=$(namespace_cpu)   # the downloader is not running yet, and is gone at the second reading
  run_measured "$STATE/$d-${label//[ \/]/-}.log" "$TIMEOUT" "${CMD[@]}"
  SEEDERS_CPU=$(awk -v a="$seeders_before" -v b="$(namespace_cpu)" 'BEGIN { printf "%.2f", b - a }')
  # Until the data is on disk: MeTorrent flushes (fsync) before it reports a download done; the others leave
  # the data to the kernel's writeback, which the `rm` below would otherwise spare them. Wall time plus a
  # `sync` of the file right after the exit.
  synced=$EPOCHREALTIME
  [ -f "$out/$NAME" ] && sync "$out/$NAME"
  ON_DISK=$(awk -v w="$M_WALL" -v a="$synced" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", w + b - a }')
  check=FAIL
  if [ "$M_EXIT" -eq 0 ] && [ -f "$out/$NAME" ] && [ "$(sha256sum "$out/$NAME" | cut -d' ' -f1)" = "$WANT_SHA" ]; then check=OK; fi
  [ "$check" = OK ] || { failures=$((failures + 1)); say "$d failed (exit $M_EXIT); log kept in $STATE/$d-${label//[ \/]/-}.log"; }
  say "$d: ${M_WALL} s (on disk at $ON_DISK s), CPU ${M_CPU} s (the seeders: $SEEDERS_CPU s), exit $M_EXIT, peak RSS $((M_PEAK / 1024)) MiB, sha256 $check"
  [ -n "${3:-}" ] && printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$d" "$3" "$M_WALL" "$M_EXIT" "$M_PEAK" "$M_ANON" "$check" "$M_CPU" "$SEEDERS_CPU" "$ON_DISK" >> "$RESULTS"
  rm -rf "$out"
}

# A warm-up first: the first download of a fresh swarm costs more (the seeders' first reads of the payload,
# a downloader's program read from disk), and without it that cost would always fall on the first downloader.
for w in $(seq 1 "$WARMUP"); do
  for d in $DOWNLOADERS; do download_once "$d" "warm-up $w"; done
done
# Then the timed runs, in turn: run 1 starts with the first downloader, run 2 with the second, and so on,
# so that no downloader always comes right after the same one.
read -ra order <<<"$DOWNLOADERS"
for run in $(seq 1 "$RUNS"); do
  for i in $(seq 0 $((${#order[@]} - 1))); do
    d=${order[$(( (i + run - 1) % ${#order[@]} ))]}
    download_once "$d" "run $run/$RUNS" "$run"
  done
done

"$SWARM/report.sh" "$RESULTS" "$BYTES" "$DOWNLOADERS" | tee -a "$STATE/report.md"
say "report and logs: $STATE"
[ "$failures" -eq 0 ] || die "$failures download(s) failed or did not match the payload"
