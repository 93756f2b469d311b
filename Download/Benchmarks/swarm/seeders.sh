# shellcheck shell=bash
# Seeders for swarm-bench.sh (sourced). Each start_* function launches one third-party client inside
# the namespace ($NS, via nsx), seeding $TORRENT from $DATA_DIR, and returns once it is ready to
# upload. Each writes its pid to $STATE/seed-CLIENT/pid and its log beside it. All of them bind to
# 127.0.0.1 with DHT, local peer discovery, peer exchange, UPnP/NAT-PMP and rate limits off.

LT_SEED_PORT=6881 ARIA2_SEED_PORT=6882 QBT_SEED_PORT=6883 QBT_WEBUI_PORT=8089
TR_SEED_PORT=51413 TR_RPC_PORT=9091

seeder_port() {
  case $1 in
    libtorrent) echo $LT_SEED_PORT ;; aria2) echo $ARIA2_SEED_PORT ;;
    qbittorrent) echo $QBT_SEED_PORT ;; transmission) echo $TR_SEED_PORT ;;
  esac
}

# wait_listening PORT SECONDS: until something in the namespace listens on TCP 127.0.0.1:PORT
wait_listening() {
  local port=$1 tries=$(($2 * 10))
  while ((tries-- > 0)); do
    nsx ss -Hlnt "sport = :$port" | grep -q . && return 0
    sleep 0.1
  done
  return 1
}

# wait_until SECONDS CMD...: retries CMD every 0.5 s until it succeeds
wait_until() {
  local tries=$(($1 * 2)); shift
  while ((tries-- > 0)); do
    "$@" && return 0
    sleep 0.5
  done
  return 1
}

start_seeder() {
  local client=$1 dir="$STATE/seed-$1"
  mkdir -p "$dir"
  "start_$client" "$dir" || die "the $client seeder did not start; see $dir/"
  echo "127.0.0.1:$(seeder_port "$client")" >> "$STATE/seeders.txt"
  say "seeder $client ready on 127.0.0.1:$(seeder_port "$client")"
}

start_libtorrent() {
  local dir=$1
  nsx "$SYS_PY" "$SWARM/lt_peer.py" seed "$TORRENT" "$DATA_DIR" --port $LT_SEED_PORT \
    --ready-file "$dir/ready" >"$dir/log" 2>&1 &
  echo $! > "$dir/pid"
  # libtorrent hashes every piece before it seeds
  wait_until "$READY_TIMEOUT" test -f "$dir/ready"
}

start_aria2() {
  local dir=$1
  # --seed-ratio=0.0 seeds forever; --bt-seed-unverified skips the hash check of our own data.
  nsx aria2c --dir="$DATA_DIR" --seed-ratio=0.0 --bt-seed-unverified=true --check-integrity=false \
    --enable-dht=false --enable-dht6=false --bt-enable-lpd=false --enable-peer-exchange=false \
    --listen-port=$ARIA2_SEED_PORT --interface=127.0.0.1 --disable-ipv6=true \
    --max-overall-upload-limit=0 --max-upload-limit=0 --bt-max-peers=0 --file-allocation=none \
    --auto-save-interval=0 --bt-save-metadata=false --summary-interval=0 --console-log-level=warn \
    "$TORRENT" >"$dir/log" 2>&1 &
  echo $! > "$dir/pid"
  wait_listening $ARIA2_SEED_PORT "$READY_TIMEOUT"
}

tr_remote() { nsx transmission-remote "127.0.0.1:$TR_RPC_PORT" "$@"; }

transmission_seeding() {
  local info
  info=$(tr_remote -t all -i 2>/dev/null) || return 1
  grep -q 'Percent Done: 100%' <<<"$info" && grep -qE 'State: (Seeding|Idle)' <<<"$info"
}

start_transmission() {
  local dir=$1
  mkdir -p "$dir/config"
  cat > "$dir/config/settings.json" <<JSON
{
  "bind-address-ipv4": "127.0.0.1", "bind-address-ipv6": "::1",
  "peer-port": $TR_SEED_PORT, "peer-port-random-on-start": false,
  "rpc-enabled": true, "rpc-bind-address": "127.0.0.1", "rpc-port": $TR_RPC_PORT,
  "rpc-authentication-required": false, "rpc-whitelist": "127.0.0.1", "rpc-host-whitelist-enabled": false,
  "dht-enabled": false, "lpd-enabled": false, "pex-enabled": false, "utp-enabled": false,
  "port-forwarding-enabled": false, "blocklist-enabled": false,
  "speed-limit-up-enabled": false, "speed-limit-down-enabled": false, "alt-speed-enabled": false,
  "ratio-limit-enabled": false, "idle-seeding-limit-enabled": false,
  "download-queue-enabled": false, "seed-queue-enabled": false, "queue-stalled-enabled": false,
  "peer-limit-global": 200, "peer-limit-per-torrent": 100,
  "download-dir": "$DATA_DIR", "incomplete-dir-enabled": false, "watch-dir-enabled": false,
  "start-added-torrents": true, "rename-partial-files": false, "message-level": 2
}
JSON
  nsx transmission-daemon -f -g "$dir/config" >"$dir/log" 2>&1 &
  echo $! > "$dir/pid"
  wait_listening $TR_RPC_PORT 30 || return 1
  tr_remote -a "$TORRENT" --download-dir "$DATA_DIR" >>"$dir/log" 2>&1 || return 1
  wait_until "$READY_TIMEOUT" transmission_seeding   # it verifies the data first
}

transmission_empty() { ! tr_remote -l | grep -qE '^ *[0-9]+\*? '; }

# Transmission tracks peers by IP address only: once any 127.0.0.1 peer has completed, it takes
# 127.0.0.1 for a seed and refuses to upload to it. Removing and re-adding the torrent (it keeps the
# data, verifies it again) wipes that memory; do it before every download.
refresh_transmission() {
  tr_remote -t all -r >/dev/null
  wait_until 10 transmission_empty
  tr_remote -a "$TORRENT" --download-dir "$DATA_DIR" >/dev/null
  wait_until "$READY_TIMEOUT" transmission_seeding || die "transmission did not seed again after the refresh"
}

qbt_api() { nsx curl -sS -m 10 "$@"; }

qbittorrent_seeding() {
  qbt_api "http://127.0.0.1:$QBT_WEBUI_PORT/api/v2/torrents/info" | grep -qE '"state":"(uploading|stalledUP|forcedUP)"'
}

start_qbittorrent() {
  local dir=$1 conf="$1/profile/qBittorrent/config"
  mkdir -p "$conf"
  # Written before the first start; ResolvePeerCountries=false avoids a GeoIP download.
  cat > "$conf/qBittorrent.conf" <<INI
[LegalNotice]
Accepted=true

[BitTorrent]
Session\\DHTEnabled=false
Session\\LSDEnabled=false
Session\\PeXEnabled=false
Session\\Port=$QBT_SEED_PORT
Session\\Interface=lo
Session\\InterfaceName=lo
Session\\InterfaceAddress=127.0.0.1
Session\\MultiConnectionsPerIp=true
Session\\BTProtocol=TCP
Session\\QueueingSystemEnabled=false
Session\\GlobalMaxRatio=-1
Session\\GlobalMaxSeedingMinutes=-1
Session\\DefaultSavePath=$DATA_DIR
Session\\MaxConnections=500
Session\\MaxConnectionsPerTorrent=200
Session\\MaxUploads=-1
Session\\MaxUploadsPerTorrent=-1
Session\\GlobalDLSpeedLimit=0
Session\\GlobalUPSpeedLimit=0

[Network]
PortForwardingEnabled=false

[Preferences]
Connection\\ResolvePeerCountries=false
WebUI\\Address=127.0.0.1
WebUI\\Port=$QBT_WEBUI_PORT
WebUI\\LocalHostAuth=false
WebUI\\CSRFProtection=false
WebUI\\HostHeaderValidation=false
WebUI\\UseUPnP=false
INI
  nsx qbittorrent-nox --profile="$dir/profile" --webui-port=$QBT_WEBUI_PORT >"$dir/log" 2>&1 &
  echo $! > "$dir/pid"
  wait_listening $QBT_WEBUI_PORT 30 || return 1
  qbt_api -F "torrents=@$TORRENT" -F "savepath=$DATA_DIR" -F "paused=false" \
    "http://127.0.0.1:$QBT_WEBUI_PORT/api/v2/torrents/add" >>"$dir/log" 2>&1 || return 1
  wait_until "$READY_TIMEOUT" qbittorrent_seeding    # it checks the data first
}
