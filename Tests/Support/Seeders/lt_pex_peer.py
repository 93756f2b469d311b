#!/usr/bin/python3
"""A libtorrent peer for peer-exchange tests (ut_pex, BEP 11; python3-libtorrent, Debian's /usr/bin/python3).

usage: lt_pex_peer.py TORRENT SAVE_DIR PORT DIAL_PORT [--no-pex] [--download] [--until-pex-peer PORT]

Listens on 127.0.0.1:PORT and dials 127.0.0.1:DIAL_PORT (again whenever that connection is gone). It
knows no other peer: no tracker, DHT, local peer discovery, UPnP, NAT-PMP or uTP, several connections per
IP allowed. Without --download every file has priority 0: it has no data and wants none, so it never
sends a block, and stays connected to seeders (close_redundant_connections is off). --no-pex switches
ut_pex off for the torrent (it neither sends nor takes peers).

Prints "connected 127.0.0.1:DIAL_PORT" once that peer has completed the handshake, and
"pex peer 127.0.0.1:N" for each connected peer that libtorrent learned of through ut_pex.
With --until-pex-peer N it exits 0 once it is connected to 127.0.0.1:N learned through ut_pex (and, with
--download, has every piece too); otherwise it runs until SIGTERM. Exits 1 on a torrent error.
"""
import signal
import sys

import libtorrent as lt


def main():
    args = sys.argv[1:]
    until = None
    if '--until-pex-peer' in args:
        i = args.index('--until-pex-peer')
        until = int(args[i + 1])
        del args[i:i + 2]
    flags = [a for a in args if a.startswith('--')]
    args = [a for a in args if not a.startswith('--')]
    if len(args) != 4 or set(flags) - {'--no-pex', '--download'}:
        sys.exit(__doc__)
    torrent, save_dir, port, dial_port = args[0], args[1], int(args[2]), int(args[3])
    download = '--download' in flags
    session = lt.session({
        'listen_interfaces': '127.0.0.1:%d' % port,
        'enable_dht': False,
        'enable_lsd': False,
        'enable_upnp': False,
        'enable_natpmp': False,
        'enable_incoming_utp': False,
        'enable_outgoing_utp': False,
        'allow_multiple_connections_per_ip': True,
        'close_redundant_connections': False,
        'min_reconnect_time': 1,
        'alert_mask': lt.alert.category_t.error_notification,
    })
    info = lt.torrent_info(torrent)
    params = lt.add_torrent_params()
    params.ti = info
    params.save_path = save_dir
    params.trackers = []
    if not download:
        params.file_priorities = [0] * info.num_files()
    params.flags &= ~(lt.torrent_flags.auto_managed | lt.torrent_flags.paused)
    if '--no-pex' in flags:
        params.flags |= lt.torrent_flags.disable_pex
    handle = session.add_torrent(params)
    handle.replace_trackers([])
    handle.resume()

    stopping = []
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stopping.append(True))
    said = set()
    while not stopping:
        session.wait_for_alert(250)
        for alert in session.pop_alerts():
            print('libtorrent:', alert.message(), file=sys.stderr, flush=True)
        status = handle.status()
        if status.errc.value():
            sys.exit('libtorrent: torrent error: ' + status.errc.message())
        every = handle.get_peer_info()
        if dial_port not in {p.ip[1] for p in every}:
            handle.connect_peer(('127.0.0.1', dial_port))
        for p in every:
            if p.flags & (lt.peer_info.connecting | lt.peer_info.handshake):
                continue
            line = None
            if p.ip[1] == dial_port:
                line = 'connected 127.0.0.1:%d' % dial_port
            elif p.source & lt.peer_info.pex:
                line = 'pex peer 127.0.0.1:%d' % p.ip[1]
            if line and line not in said:
                said.add(line)
                print(line, flush=True)
        if until is not None and 'pex peer 127.0.0.1:%d' % until in said and (not download or status.is_seeding):
            return


if __name__ == '__main__':
    main()
