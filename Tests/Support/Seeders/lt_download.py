#!/usr/bin/python3
"""Downloads one torrent with libtorrent from one peer (python3-libtorrent; Debian's /usr/bin/python3).

usage: lt_download.py TORRENT|MAGNET SAVE_DIR PORT PEER_PORT [--encrypted|--rc4]

Given a magnet link instead of a .torrent file, libtorrent first fetches the info dictionary from the
peer (BEP 9) and prints "metadata received" when it has it.

Listens on 127.0.0.1:PORT, dials 127.0.0.1:PEER_PORT, drops the torrent's trackers, and exits 0 as
soon as every piece is downloaded and checked (1 on a torrent error). DHT, local peer discovery,
UPnP, NAT-PMP and uTP are off from the session's construction; several connections per IP allowed.
With --encrypted, every connection must open with message stream encryption (MSE: libtorrent's
"forced" policy, plaintext or RC4 offered for the stream after it); with --rc4, the stream after it must
be RC4 too (what qBittorrent and Transmission offer).
"""
import sys

import libtorrent as lt


def main():
    if len(sys.argv) not in (5, 6) or (len(sys.argv) == 6 and sys.argv[5] not in ('--encrypted', '--rc4')):
        sys.exit(__doc__)
    torrent, save_dir, port, peer_port = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    encryption = {
        'out_enc_policy': int(lt.enc_policy.forced),
        'in_enc_policy': int(lt.enc_policy.forced),
        'allowed_enc_level': int(lt.enc_level.rc4 if sys.argv[5] == '--rc4' else lt.enc_level.both),
    } if len(sys.argv) == 6 else {}
    session = lt.session({
        **encryption,
        'listen_interfaces': '127.0.0.1:%d' % port,
        'enable_dht': False,
        'enable_lsd': False,
        'enable_upnp': False,
        'enable_natpmp': False,
        'enable_incoming_utp': False,
        'enable_outgoing_utp': False,
        'allow_multiple_connections_per_ip': True,
        'min_reconnect_time': 1,
        'alert_mask': lt.alert.category_t.error_notification | lt.alert.category_t.status_notification,
    })
    if torrent.startswith('magnet:'):
        params = lt.parse_magnet_uri(torrent)
    else:
        params = lt.add_torrent_params()
        params.ti = lt.torrent_info(torrent)
    params.save_path = save_dir
    params.trackers = []
    params.flags &= ~(lt.torrent_flags.auto_managed | lt.torrent_flags.paused)
    handle = session.add_torrent(params)
    handle.replace_trackers([])
    handle.resume()
    dialled = 0
    while True:
        session.wait_for_alert(250)
        for alert in session.pop_alerts():
            if isinstance(alert, lt.metadata_received_alert):
                print('metadata received', flush=True)
            elif alert.category() & lt.alert.category_t.error_notification:
                print('libtorrent:', alert.message(), file=sys.stderr, flush=True)
        status = handle.status()
        if status.errc.value():
            sys.exit('libtorrent: torrent error: ' + status.errc.message())
        if status.is_seeding:
            print('downloaded', flush=True)
            return
        if status.num_peers == 0 and dialled < 100:
            dialled += 1
            handle.connect_peer(('127.0.0.1', peer_port))


if __name__ == '__main__':
    main()
