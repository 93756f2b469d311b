#!/usr/bin/python3
"""A static HTTP tracker for the benchmark (BEP 3 announce, BEP 23 compact peers).

  tracker.py --port 6969 --info-hash HEX --seeders FILE

It answers GET /announce for one info hash only. A peer that still needs data (left > 0) gets every
seeder listed in FILE (one 127.0.0.1:PORT per line, re-read on each request); a peer with nothing
left gets an empty list. So downloaders find all the seeders, and seeders never connect to each other
(a seeder connecting to Transmission would make it refuse every 127.0.0.1 leecher afterwards).
Downloaders themselves are never handed out. Why not opentracker: aria2c can only find peers through
a tracker, and this one needs no whitelist, no chroot and no cleanup of stale peers.
"""
import argparse
import socket
import struct
import sys
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def bencode_response(peers, seeders):
    # Keys in sorted order, as bencoding requires.
    return (b'd8:completei%de10:incompletei0e8:intervali1800e12:min intervali1800e5:peers%d:'
            % (seeders, len(peers)) + peers + b'e')


def failure(reason):
    text = reason.encode()
    return b'd14:failure reason%d:%se' % (len(text), text)


class AnnounceHandler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.0'

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        if url.path != '/announce':
            self.reply(404, failure('not found'))
            return
        # latin-1 keeps the 20 raw info-hash bytes intact
        query = urllib.parse.parse_qs(url.query, encoding='latin-1')
        info_hash = query.get('info_hash', [''])[0].encode('latin-1')
        if info_hash != self.server.info_hash:
            self.reply(200, failure('unknown info hash'))
            return
        seeders = read_seeders(self.server.seeders_file)
        wants_data = int(query.get('left', ['1'])[0]) > 0
        peers = b''.join(socket.inet_aton(host) + struct.pack('>H', port) for host, port in seeders) if wants_data else b''
        self.reply(200, bencode_response(peers, len(seeders)))

    def reply(self, code, body):
        self.send_response(code)
        self.send_header('Content-Type', 'text/plain')
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):
        print('tracker: %s %s' % (self.client_address[1], format % args), file=sys.stderr, flush=True)


def read_seeders(path):
    seeders = []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line:
                host, port = line.rsplit(':', 1)
                seeders.append((host, int(port)))
    return seeders


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--port', type=int, required=True)
    parser.add_argument('--info-hash', required=True, help='v1 info hash, 40 hex digits')
    parser.add_argument('--seeders', required=True, help='file of 127.0.0.1:PORT lines')
    args = parser.parse_args()
    server = ThreadingHTTPServer(('127.0.0.1', args.port), AnnounceHandler)
    server.info_hash = bytes.fromhex(args.info_hash)
    server.seeders_file = args.seeders
    server.serve_forever()


if __name__ == '__main__':
    main()
