#!/usr/bin/python3
"""Prints one fact about a .torrent: `torrent_info.py hash|name|size T.torrent`.

hash is the v1 info hash (SHA-1 of the bencoded info dictionary, BEP 3) in hex; size is the total
payload length in bytes. A minimal bencode reader, so it needs nothing but Python.
"""
import hashlib
import sys


def decode(data, i):
    """Decodes the value at data[i]; returns (value, index after it)."""
    c = data[i:i + 1]
    if c == b'i':
        end = data.index(b'e', i)
        return int(data[i + 1:end]), end + 1
    if c == b'l':
        items, i = [], i + 1
        while data[i:i + 1] != b'e':
            item, i = decode(data, i)
            items.append(item)
        return items, i + 1
    if c == b'd':
        entries, i = {}, i + 1
        while data[i:i + 1] != b'e':
            key, i = decode(data, i)
            start = i
            entries[key], i = decode(data, i)
            entries[(key, 'span')] = (start, i)  # where the raw value lies, for the info hash
        return entries, i + 1
    colon = data.index(b':', i)
    length = int(data[i:colon])
    return data[colon + 1:colon + 1 + length], colon + 1 + length


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ('hash', 'name', 'size'):
        sys.exit(__doc__)
    raw = open(sys.argv[2], 'rb').read()
    top, _ = decode(raw, 0)
    info = top[b'info']
    if sys.argv[1] == 'hash':
        start, end = top[(b'info', 'span')]
        print(hashlib.sha1(raw[start:end]).hexdigest())
    elif sys.argv[1] == 'name':
        print(info[b'name'].decode('utf-8'))
    else:
        print(info[b'length'] if b'length' in info else sum(f[b'length'] for f in info[b'files']))


if __name__ == '__main__':
    main()
