#!/usr/bin/python3
"""Unauthenticated STUN/TURN traffic from many spoofed loopback sources (issue 6 item 3).

Each source is a UDP socket bound to its own 127.a.b.c address (all of 127/8 is local on lo),
so the server's answers really reach it and are counted. Prints one JSON line:
{"mode", "sources", "sent", "sent_bytes", "answers", "answer_bytes", "ratio", ...}.

  spoofed HOST PORT --sources N --per-source K   K Allocates from each of N addresses
  hot HOST PORT --seconds S --rate R               one address, R Allocates a second
  forged HOST PORT --seconds S --user U --realm R  Allocates with a valid-looking USERNAME,
                                                   REALM and NONCE, and a wrong
                                                   MESSAGE-INTEGRITY, from 16 addresses
Requests alternate between a minimal Allocate (REQUESTED-TRANSPORT only, 28 bytes) and a
realistic one (REQUESTED-TRANSPORT, LIFETIME, DONT-FRAGMENT, FINGERPRINT, as browsers send).
Only 127.0.0.0/8 is ever addressed.
"""
import argparse
import hmac
import json
import os
import select
import socket
import struct
import sys
import time
import zlib

MAGIC = 0x2112A442


def attr(t, v):
    pad = (4 - len(v) % 4) % 4
    return struct.pack("!HH", t, len(v)) + v + b"\0" * pad


def message(body_attrs, fingerprint=False, integrity=None):
    tid = os.urandom(12)
    body = b"".join(body_attrs)
    if integrity is not None:
        # MESSAGE-INTEGRITY (RFC 8489 §14.5) over a header whose length covers it.
        hdr = struct.pack("!HHI", 0x0003, len(body) + 24, MAGIC) + tid
        mac = hmac.new(integrity, hdr + body, "sha1").digest()
        body += attr(0x0008, mac)
    length = len(body) + (8 if fingerprint else 0)
    msg = struct.pack("!HHI", 0x0003, length, MAGIC) + tid + body
    if fingerprint:
        crc = (zlib.crc32(msg) ^ 0x5354554E) & 0xFFFFFFFF
        msg += attr(0x8028, struct.pack("!I", crc))
    return msg


def allocate(i):
    transport = attr(0x0019, b"\x11\0\0\0")
    if i % 2 == 0:
        return message([transport])
    return message([transport, attr(0x000D, struct.pack("!I", 600)), attr(0x001A, b"")], True)


def source_ip(n):
    # 127.20.0.1 onwards, skipping .0 and .255; never 127.0.0.x (servers, clients)
    n += 1
    return "127.%d.%d.%d" % (20 + n // 64516, (n // 254) % 254 + 1, n % 254 + 1)


def bound(ip, blocking=False):
    """A UDP socket bound to the spoofed source address `ip` (all of 127/8 is local on lo)."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((ip, 0))
    s.setblocking(blocking)
    return s


def drain(socks, deadline):
    got = bytes_in = 0
    while time.time() < deadline:
        r, _, _ = select.select(socks, [], [], max(0.0, deadline - time.time()))
        if not r:
            break
        for s in r:
            try:
                data = s.recv(65536)
            except (BlockingIOError, ConnectionRefusedError):
                continue
            got += 1
            bytes_in += len(data)
    return got, bytes_in


def result(mode, sources, sent, sent_bytes, answers, answer_bytes, **extra):
    out = {"mode": mode, "sources": sources, "sent": sent, "sent_bytes": sent_bytes,
           "answers": answers, "answer_bytes": answer_bytes,
           "ratio": round(answer_bytes / sent_bytes, 4) if sent_bytes else 0}
    out.update(extra)
    print(json.dumps(out), flush=True)


def spoofed(a):
    sent = sent_bytes = answers = answer_bytes = 0
    chunk = 400
    for start in range(0, a.sources, chunk):
        socks = [bound(source_ip(n)) for n in range(start, min(a.sources, start + chunk))]
        for k in range(a.per_source):
            for s in socks:
                m = allocate(k)
                try:
                    s.sendto(m, (a.host, a.port))
                except BlockingIOError:
                    continue
                sent += 1
                sent_bytes += len(m)
            g, b = drain(socks, time.time() + 0.002)
            answers += g
            answer_bytes += b
        g, b = drain(socks, time.time() + 0.3)
        answers += g
        answer_bytes += b
        for s in socks:
            s.close()
    result("spoofed", a.sources, sent, sent_bytes, answers, answer_bytes)


def hot(a):
    s = bound(source_ip(200000))
    sent = sent_bytes = answers = answer_bytes = 0
    first_answers = 0
    t0 = time.time()
    i = 0
    while time.time() - t0 < a.seconds:
        target = int((time.time() - t0) * a.rate)
        while i < target:
            m = allocate(i)
            s.sendto(m, (a.host, a.port))
            sent += 1
            sent_bytes += len(m)
            i += 1
        g, b = drain([s], time.time() + 0.001)
        answers += g
        answer_bytes += b
        if time.time() - t0 < 0.5:
            first_answers = answers
    g, b = drain([s], time.time() + 0.3)
    result("hot", 1, sent, sent_bytes, answers + g, answer_bytes + b,
           answers_first_half_second=first_answers, seconds=a.seconds)


def read_nonce(data):
    off = 20
    while off + 4 <= len(data):
        t, n = struct.unpack("!HH", data[off:off + 4])
        if t == 0x0015:
            return data[off + 4:off + 4 + n]
        off += 4 + n + (4 - n % 4) % 4
    return None


def forged(a):
    socks, nonces = [], []
    for n in range(16):
        s = bound(source_ip(300000 + n), True)
        s.settimeout(0.7)
        nonce = None
        # Retransmit like a client (RFC 8489 §6.2.1): right after the spoofed flood, a fresh
        # source may share a hashed bucket that has not refilled yet.
        for _ in range(6):
            s.sendto(allocate(0), (a.host, a.port))
            try:
                nonce = read_nonce(s.recv(2048))
                break
            except socket.timeout:
                continue
        if nonce is None:
            print(json.dumps({"mode": "forged", "error": "no nonce in the 401"}))
            return 1
        s.setblocking(False)
        socks.append(s)
        nonces.append(nonce)
    wrong_key = os.urandom(16)
    sent = sent_bytes = answers = answer_bytes = 0
    t0 = time.time()
    while time.time() - t0 < a.seconds:
        for s, nonce in zip(socks, nonces):
            m = message([attr(0x0019, b"\x11\0\0\0"), attr(0x0006, a.user.encode()),
                         attr(0x0014, a.realm.encode()), attr(0x0015, nonce)],
                        integrity=wrong_key)
            try:
                s.sendto(m, (a.host, a.port))
            except BlockingIOError:
                continue
            sent += 1
            sent_bytes += len(m)
        g, b = drain(socks, time.time() + 0.0005)
        answers += g
        answer_bytes += b
    g, b = drain(socks, time.time() + 0.3)
    result("forged", len(socks), sent, sent_bytes, answers + g, answer_bytes + b,
           seconds=a.seconds)
    return 0


def main():
    p = argparse.ArgumentParser()
    p.add_argument("mode", choices=["spoofed", "hot", "forged"])
    p.add_argument("host")
    p.add_argument("port", type=int)
    p.add_argument("--sources", type=int, default=2000)
    p.add_argument("--per-source", type=int, default=8)
    p.add_argument("--seconds", type=float, default=5)
    p.add_argument("--rate", type=int, default=5000)
    p.add_argument("--user", default="alice")
    p.add_argument("--realm", default="avedge.test")
    a = p.parse_args()
    if not a.host.startswith("127."):
        print("refusing: only 127.0.0.0/8", file=sys.stderr)
        return 2
    if a.mode == "spoofed":
        spoofed(a)
    elif a.mode == "hot":
        hot(a)
    else:
        return forged(a)
    return 0


if __name__ == "__main__":
    sys.exit(main())
