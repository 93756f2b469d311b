#!/usr/bin/python3
"""A libtorrent DHT node on 127.0.0.1 for the DHT interop tests (python3-libtorrent, Debian's /usr/bin/python3).

usage: lt_dht.py PORT STATUS_FILE [--bootstrap 127.0.0.1:P]... [--seed TORRENT:SAVE_DIR]... [--get-peers INFOHASH]...

Runs a session with only the DHT on (no LSD, UPnP, NAT-PMP, uTP; no torrents are downloaded) and the
settings libtorrent needs to accept 127.0.0.1 nodes. Appends lines to STATUS_FILE:
  READY                      the DHT socket is up
  NODES n                    the routing table's size, every second
  TABLE ip:port              every node in the routing table, every second
  PEER hex ip:port           a peer a get_peers lookup found for that info hash
  ANNOUNCED hex              a DHT announce of a seeded torrent went out (for 127.0.0.1:PORT, the TCP port)
--seed seeds the torrent (its data in SAVE_DIR, trusted: seed mode) and announces it to the DHT every
2 s; --get-peers looks the info hash up every 2 s. Runs until SIGTERM or SIGINT.
"""
import signal
import sys
import time
import warnings

import libtorrent as lt


def main():
    argv = sys.argv[1:]
    if len(argv) < 2:
        sys.exit(__doc__)
    port, status_path = int(argv[0]), argv[1]
    bootstrap, seed, get_peers = [], [], []
    rest = argv[2:]
    while rest:
        option, value = rest[0], rest[1]
        rest = rest[2:]
        {'--bootstrap': bootstrap, '--seed': seed, '--get-peers': get_peers}[option].append(value)

    def report(line):
        with open(status_path, 'a') as f:
            f.write(line + '\n')

    session = lt.session({
        'listen_interfaces': '127.0.0.1:%d' % port,
        'enable_dht': True,
        'enable_lsd': False,
        'enable_upnp': False,
        'enable_natpmp': False,
        'enable_incoming_utp': False,
        'enable_outgoing_utp': False,
        'allow_multiple_connections_per_ip': True,
        # What libtorrent needs to treat 127.0.0.1 nodes like any other (see Tracker/Dht/README.md).
        'dht_restrict_routing_ips': False,
        'dht_restrict_search_ips': False,
        'dht_ignore_dark_internet': False,
        'dht_prefer_verified_node_ids': False,
        'dht_enforce_node_id': False,
        # Not dht_bootstrap_nodes: libtorrent keeps bootstrap routers out of its routing table.
        'dht_bootstrap_nodes': '',
        'alert_mask': lt.alert.category_t.error_notification | lt.alert.category_t.dht_notification
                      | lt.alert.category_t.dht_operation_notification | lt.alert.category_t.status_notification,
    })
    for node in bootstrap:
        host, p = node.rsplit(':', 1)
        session.add_dht_node((host, int(p)))
    # libtorrent announces every torrent it has to the DHT by itself (the python binding cannot build the
    # flags of session.dht_announce, so a torrent is also the only way to announce from here).
    handles = []
    for entry in seed:
        torrent, save_dir = entry.split(':', 1)
        params = lt.add_torrent_params()
        params.ti = lt.torrent_info(torrent)
        params.save_path = save_dir
        params.trackers = []
        params.flags &= ~(lt.torrent_flags.auto_managed | lt.torrent_flags.paused)
        params.flags |= lt.torrent_flags.seed_mode
        handle = session.add_torrent(params)
        handle.replace_trackers([])
        handles.append(handle)

    stopping = []
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stopping.append(True))
    report('READY')
    next_tick = 0
    while not stopping:
        session.wait_for_alert(200)
        for alert in session.pop_alerts():
            if isinstance(alert, lt.dht_get_peers_reply_alert):
                for peer in alert.peers():
                    report('PEER %s %s:%d' % (str(alert.info_hash), peer[0], peer[1]))
            elif isinstance(alert, lt.dht_live_nodes_alert):
                for node in alert.nodes:
                    endpoint = node['endpoint'] if isinstance(node, dict) else node[1]
                    report('TABLE %s:%d' % (endpoint[0], endpoint[1]))
            elif alert.category() & lt.alert.category_t.error_notification:
                print('libtorrent:', alert.message(), file=sys.stderr, flush=True)
        if time.time() >= next_tick:
            next_tick = time.time() + 2
            with warnings.catch_warnings():
                warnings.simplefilter('ignore')  # status() and dht_state() are deprecated, and the simplest way
                report('NODES %d' % session.status().dht_nodes)
                # "node-id": one entry per DHT socket, the 20-byte id followed by the socket's address.
                ids = session.dht_state().get(b'node-id') or []
            if ids:
                session.dht_live_nodes(lt.sha1_hash(ids[0][:20]))  # answered by a dht_live_nodes_alert
            for handle in handles:
                handle.force_dht_announce()
                report('ANNOUNCED %s' % handle.info_hash())
            for info_hash in get_peers:
                session.dht_get_peers(lt.sha1_hash(bytes.fromhex(info_hash)))


if __name__ == '__main__':
    main()
