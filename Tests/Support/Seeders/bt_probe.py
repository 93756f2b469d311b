#!/usr/bin/python3
"""Exits 0 if a BitTorrent peer at 127.0.0.1:PORT completes a plain handshake for INFO_HASH (40 hex).

usage: bt_probe.py PORT INFO_HASH

Used to wait until a seeder really serves a torrent: a client may listen before the torrent is
started, and then closes every handshake for it.
"""
import os
import socket
import sys


def main():
    port, info_hash = int(sys.argv[1]), bytes.fromhex(sys.argv[2])
    ours = b'\x13BitTorrent protocol' + bytes(8) + info_hash + b'-PROBE0-' + os.urandom(12)
    with socket.create_connection(('127.0.0.1', port), timeout=5) as s:
        s.sendall(ours)
        answer = b''
        while len(answer) < 68:
            chunk = s.recv(68 - len(answer))
            if not chunk:
                sys.exit('closed during the handshake')
            answer += chunk
    if answer[:20] != ours[:20] or answer[28:48] != info_hash:
        sys.exit('unexpected handshake answer')


if __name__ == '__main__':
    main()
