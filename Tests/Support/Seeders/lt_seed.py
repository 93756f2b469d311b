#!/usr/bin/python3
"""Seeds one torrent with libtorrent (python3-libtorrent; run with Debian's /usr/bin/python3).

usage: lt_seed.py TORRENT SAVE_DIR PORT READY_FILE [--check] [--keep-upload-only-peers] [--encrypted|--rc4]

SAVE_DIR holds the torrent's content (the file or folder named like the torrent). The session
listens on 127.0.0.1:PORT only. DHT, local peer discovery, UPnP, NAT-PMP and uTP are switched off
in the session constructor itself, so they are never on, not even for a moment. The torrent's
trackers are dropped: peers dial us directly. Several connections from one IP are allowed, because
every peer in a test shares 127.0.0.1. Without --check the data is trusted (seed mode) and served
at once; with --check libtorrent hashes it first. READY_FILE is written once we are seeding.
libtorrent closes a connection to a peer that wants nothing ("upload only", BEP 21) once it is a seed
itself; --keep-upload-only-peers keeps them (close_redundant_connections off).
With --encrypted, only connections that open with message stream encryption (MSE) are taken: libtorrent's
"forced" policy, which closes a plain handshake unanswered; plaintext or RC4 after it. With --rc4, the
stream after it must be RC4 too (qBittorrent's "require encryption").
Runs until SIGTERM or SIGINT.
"""
import signal
import sys
import time

import libtorrent as lt


def main():
    args = [a for a in sys.argv[1:] if not a.startswith('--')]
    if len(args) != 4:
        sys.exit(__doc__)
    torrent, save_dir, port, ready_file = args[0], args[1], int(args[2]), args[3]
    encryption = {
        'out_enc_policy': int(lt.enc_policy.forced),
        'in_enc_policy': int(lt.enc_policy.forced),
        'allowed_enc_level': int(lt.enc_level.rc4 if '--rc4' in sys.argv else lt.enc_level.both),
    } if '--encrypted' in sys.argv or '--rc4' in sys.argv else {}
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
        'upload_rate_limit': 0,
        'close_redundant_connections': '--keep-upload-only-peers' not in sys.argv,
        'alert_mask': lt.alert.category_t.error_notification | lt.alert.category_t.status_notification,
    })
    params = lt.add_torrent_params()
    params.ti = lt.torrent_info(torrent)
    params.save_path = save_dir
    params.trackers = []
    params.flags &= ~(lt.torrent_flags.auto_managed | lt.torrent_flags.paused)
    if '--check' not in sys.argv:
        params.flags |= lt.torrent_flags.seed_mode
    handle = session.add_torrent(params)
    handle.replace_trackers([])
    handle.resume()  # torrents are added paused by default

    stopping = []
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stopping.append(True))
    ready = False
    while not stopping:
        session.wait_for_alert(200)
        for alert in session.pop_alerts():
            if alert.category() & lt.alert.category_t.error_notification:
                print('libtorrent:', alert.message(), file=sys.stderr, flush=True)
        status = handle.status()
        if status.errc.value():
            sys.exit('libtorrent: torrent error: ' + status.errc.message())
        if not ready and status.is_seeding:
            ready = True
            with open(ready_file, 'w') as f:
                f.write('seeding %s on 127.0.0.1:%d\n' % (handle.info_hash(), port))
            print('seeding', flush=True)
    handle.pause()
    time.sleep(0.1)


if __name__ == '__main__':
    main()
