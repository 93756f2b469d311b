#!/usr/bin/python3
"""A libtorrent peer for the benchmark: seeds a torrent, or downloads it and exits.

  lt_peer.py seed     T.torrent DIR --port P [--ready-file F]
  lt_peer.py download T.torrent DIR --port P [--peer 127.0.0.1:PORT]... [--timeout S]

DIR holds (seed) or receives (download) the torrent's file or top folder, as for every client.
Needs Debian's python3-libtorrent, so run it with /usr/bin/python3, not a pyenv python.

Every swarm member shares the address 127.0.0.1, so the session allows several connections per IP
(libtorrent keeps one per IP by default and would then talk to a single seeder). DHT, local peer
discovery, UPnP, NAT-PMP and uTP are switched off in the session's constructor, so they are never on
even briefly. Transfer rates are not limited.
"""
import argparse
import json
import os
import signal
import sys
import time

import libtorrent as lt


def open_session(port):
    return lt.session({
        'listen_interfaces': '127.0.0.1:%d' % port,
        'enable_dht': False,
        'enable_lsd': False,
        'enable_upnp': False,
        'enable_natpmp': False,
        'dht_bootstrap_nodes': '',
        'enable_incoming_utp': False,
        'enable_outgoing_utp': False,
        'allow_multiple_connections_per_ip': True,
        'upload_rate_limit': 0,
        'download_rate_limit': 0,
        'min_reconnect_time': 2,
        'stop_tracker_timeout': 1,
        'alert_mask': lt.alert.category_t.error_notification | lt.alert.category_t.status_notification,
    })


def add_torrent(session, torrent, directory):
    params = lt.add_torrent_params()
    params.ti = lt.torrent_info(torrent)
    params.save_path = os.path.abspath(directory)
    return session.add_torrent(params), params.ti


def report_errors(session):
    for alert in session.pop_alerts():
        if alert.category() & lt.alert.category_t.error_notification:
            print('libtorrent:', alert.message(), file=sys.stderr, flush=True)


def seed(args):
    session = open_session(args.port)
    handle, info = add_torrent(session, args.torrent, args.dir)
    stopping = []
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stopping.append(True))
    announced_ready = False
    while not stopping:
        session.wait_for_alert(250)
        report_errors(session)
        status = handle.status()
        if status.errc.value():
            sys.exit('libtorrent seeder: ' + status.errc.message())
        # Seeding starts only after libtorrent has checked every piece of the data on disk.
        if status.is_seeding and not announced_ready:
            announced_ready = True
            if args.ready_file:
                with open(args.ready_file, 'w') as f:
                    f.write(str(info.info_hashes().v1) + '\n')
    handle.pause()


def download(args):
    os.makedirs(args.dir, exist_ok=True)
    session = open_session(args.port)
    started = time.monotonic()
    handle, info = add_torrent(session, args.torrent, args.dir)
    for peer in args.peer:
        host, port = peer.rsplit(':', 1)
        handle.connect_peer((host, int(port)), 0)
    finished = False
    received = {}  # seeder port -> payload bytes it sent us
    while time.monotonic() - started < args.timeout:
        session.wait_for_alert(100)
        report_errors(session)
        for peer in handle.get_peer_info():
            received[peer.ip[1]] = max(received.get(peer.ip[1], 0), peer.total_download)
        status = handle.status()
        if status.errc.value():
            print('libtorrent downloader:', status.errc.message(), file=sys.stderr)
            break
        if status.is_seeding:
            finished = True
            break
    seconds = time.monotonic() - started
    handle.pause()
    del handle
    del session  # waits for the disk threads, so every byte is written when we exit
    print(json.dumps({'finished': finished, 'bytes': info.total_size(), 'seconds': round(seconds, 3),
                      'bytes_by_peer_port': received}), flush=True)
    sys.exit(0 if finished else 1)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('mode', choices=['seed', 'download'])
    parser.add_argument('torrent')
    parser.add_argument('dir')
    parser.add_argument('--port', type=int, required=True)
    parser.add_argument('--ready-file', help='seed: written once every piece is checked and seeding began')
    parser.add_argument('--peer', action='append', default=[], help='download: also dial 127.0.0.1:PORT')
    parser.add_argument('--timeout', type=float, default=1800)
    args = parser.parse_args()
    for peer in args.peer:
        if not peer.startswith('127.'):
            sys.exit('lt_peer.py: only 127.0.0.0/8 peers are allowed, not ' + peer)
    seed(args) if args.mode == 'seed' else download(args)


if __name__ == '__main__':
    main()
