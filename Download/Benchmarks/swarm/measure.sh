# shellcheck shell=bash
# Measuring helpers for swarm-bench.sh (sourced): one downloader run, and this machine's ceilings.

# run_measured LOG TIMEOUT_S CMD...: runs CMD inside the namespace and sets
#   M_EXIT  its exit status (124 when it was killed at the time-out)
#   M_WALL  wall seconds from start to exit
#   M_PEAK  peak resident set size in KiB (VmHWM), M_ANON peak anonymous memory in KiB (RssAnon),
#   M_CPU   CPU seconds (user + system, all threads) the client used.
# The memory figures are sampled from /proc every 50 ms (VmHWM is the kernel's own high-water mark,
# so only growth in the last 50 ms could be missed). RSS counts file pages a client maps, which is
# why M_ANON is reported too: libtorrent 2 memory-maps the files it downloads. The CPU time is exact:
# the kernel's account of the reaped client (bash's `times`, before and after).
# Measuring must not load the machine it measures: the sampler starts no process at all (no `cat`,
# `awk`, `sleep` or `date`). An earlier one started three every 50 ms, and on this project's two-core
# machine that took about a third of the CPU during a download and made every client slower.
run_measured() {
  local log=$1 timeout=$2; shift 2
  local samples="$log.mem" start pid poller sleeper finished="" before after
  : > "$samples"
  children_cpu before
  start=$EPOCHREALTIME
  ip netns exec "$NS" "$@" >"$log" 2>&1 &   # ip netns exec execs the command: $! is the client itself
  pid=$!
  sample_memory "$pid" "$samples" &
  poller=$!
  sleep "$timeout" &
  sleeper=$!
  M_EXIT=0
  wait -n -p finished "$pid" "$sleeper" || M_EXIT=$?
  M_WALL=$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }')
  if [ "$finished" = "$pid" ]; then
    children_cpu after                      # the client is reaped, the sleeper not yet
    kill "$sleeper" 2>/dev/null; wait "$sleeper" 2>/dev/null || true
  else
    echo "swarm-bench: killed after $timeout s" >> "$log"
    kill -TERM "$pid" 2>/dev/null; sleep 2; kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    children_cpu after
    M_EXIT=124
  fi
  wait "$poller" 2>/dev/null || true
  read -r M_PEAK M_ANON < "$samples" || { M_PEAK=0; M_ANON=0; }
  M_CPU=$(awk -v a="$before" -v b="$after" 'BEGIN { printf "%.2f", b - a }')
}

# children_cpu VAR: sets VAR to the CPU seconds (user + system) of this shell's reaped children so far,
# from bash's `times`. It must run in this shell, not in a $(...) subshell, whose children are its own.
children_cpu() {
  local file line user sys
  file=$(mktemp)
  times > "$file"
  { read -r line; read -r user sys; } < "$file"
  rm -f "$file"
  printf -v "$1" '%s' "$(awk -v u="$user" -v s="$sys" 'function sec(t) { split(t, p, "m"); sub("s", "", p[2]); return p[1] * 60 + p[2] }
    BEGIN { printf "%.2f", sec(u) + sec(s) }')"
}

# sample_memory PID FILE: keeps "peak_rss_kib peak_anon_kib" of PID in FILE until PID exits, with
# shell builtins only. `read -t` on a pipe that never gets data waits 50 ms without starting `sleep`.
sample_memory() {
  local pid=$1 file=$2 peak=0 anon=0 key value _ state tick
  exec {tick}<> <(:)
  while [ -r "/proc/$pid/status" ]; do
    state=""
    while read -r key value _; do
      case $key in
        State:) state=$value ;;
        VmHWM:) ((value > peak)) && peak=$value ;;
        RssAnon:) ((value > anon)) && anon=$value ;;
      esac
    done 2>/dev/null < "/proc/$pid/status" || break
    [ "$state" = Z ] && break          # exited, not yet reaped
    echo "$peak $anon" > "$file"
    read -r -t 0.05 -u "$tick" _ || true
  done
  exec {tick}<&-
}

# Single-core SHA-1 throughput (the piece-hash ceiling), from openssl's 16 KiB-block column.
sha1_ceiling() {
  openssl speed -seconds 3 -bytes 16384 -evp sha1 2>/dev/null \
    | awk '$1 == "sha1" { v = $NF; sub("k", "", v); printf "%.0f MiB/s (openssl speed -evp sha1, 16 KiB blocks, 1 core)", v * 1000 / 1048576 }'
}

# Loopback TCP throughput inside the namespace: iperf3, one stream, 3 seconds.
loopback_ceiling() {
  local server line
  nsx iperf3 -s -B 127.0.0.1 -p 5201 -1 >/dev/null 2>&1 &
  server=$!
  wait_listening 5201 10 || { kill "$server" 2>/dev/null; echo "iperf3 server did not start"; return; }
  line=$(nsx iperf3 -c 127.0.0.1 -p 5201 -t 3 -f m 2>&1 | awk '/receiver/ { print $(NF-2) }')
  wait "$server" 2>/dev/null || true
  awk -v m="$line" 'BEGIN { printf "%.1f Gbit/s = %.0f MiB/s (iperf3, 1 TCP stream, 127.0.0.1)", m / 1000, m * 1e6 / 8 / 1048576 }'
}

# namespace_cpu: CPU seconds (user + system) used so far by every process in the namespace — the seeders and
# the tracker between two downloads. Read before and after a download, the difference is what serving it cost
# the seeders (the downloader itself is not running at either reading).
namespace_cpu() {
  local hz pid total=0 stat
  hz=$(getconf CLK_TCK)
  for pid in $(ip netns pids "$NS" 2>/dev/null); do
    stat=$(cat "/proc/$pid/stat" 2>/dev/null) || continue
    stat=${stat##*) }
    total=$(awk -v t="$total" -v hz="$hz" '{ printf "%.2f", t + ($12 + $13) / hz }' <<<"$stat")
  done
  echo "$total"
}
