#!/usr/bin/python3
"""TCP connections that abuse a STUN/TURN listener (issue 6 item 4). One JSON line per run.

  conns HOST PORT --sources N --per-source K   K connections from each of N addresses
      127.30.x.y; each sends a Binding; reports how many were answered and how many the
      server closed at once (over connections_per_ip / connections_total).
  slowloris HOST PORT --count N --trickle      N connections that send one Binding, then one
      byte of a next frame every 0.5 s (or nothing); reports when the server closed each.
  oversize HOST PORT --length L                a STUN header announcing L body bytes.
Only 127.0.0.0/8 is ever addressed.
"""
import argparse
import json
import os
import select
import socket
import struct
import sys
import time


def binding():
    return struct.pack("!HHI", 0x0001, 0, 0x2112A442) + os.urandom(12)


def source_ip(base, n):
    n += 1
    return "127.%d.%d.%d" % (base, (n // 254) % 254, n % 254 + 1)


def connect(host, port, src):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind((src, 0))
    s.settimeout(3)
    s.connect((host, port))
    return s


def answered(s):
    """Sends a Binding; True when a STUN answer comes back, False when the server closed."""
    try:
        s.sendall(binding())
        data = s.recv(2048)
        return len(data) >= 20
    except OSError:
        return False


def conns(a):
    socks = []
    for n in range(a.sources):
        for _ in range(a.per_source):
            socks.append(connect(a.host, a.port, source_ip(30, n)))
    ok = sum(1 for s in socks if answered(s))
    for s in socks:
        s.close()
    print(json.dumps({"mode": "conns", "connections": len(socks), "answered": ok,
                      "closed": len(socks) - ok}), flush=True)


def slowloris(a):
    socks = []
    for n in range(a.count):
        s = connect(a.host, a.port, source_ip(31, n))
        if not answered(s):
            print(json.dumps({"mode": "slowloris", "error": "Binding not answered"}))
            return 1
        s.setblocking(False)
        socks.append(s)
    t0 = time.time()
    open_ = {s: 0 for s in socks}
    closed_at = []
    half = binding()
    while open_ and time.time() - t0 < a.max_seconds:
        r, _, _ = select.select(list(open_), [], [], 0.5)
        for s in r:
            try:
                if s.recv(1) == b"":
                    raise ConnectionResetError
            except BlockingIOError:
                continue
            except OSError:
                closed_at.append(round(time.time() - t0, 2))
                del open_[s]
                s.close()
        if a.trickle:
            for s in list(open_):
                i = open_[s]
                if i < len(half) - 1:  # never the last byte: the frame never completes
                    try:
                        s.send(half[i:i + 1])
                    except OSError:
                        pass
                    open_[s] = i + 1
    for s in open_:
        s.close()
    print(json.dumps({"mode": "slowloris", "count": a.count, "closed": len(closed_at),
                      "first_close_s": min(closed_at, default=-1),
                      "last_close_s": max(closed_at, default=-1)}), flush=True)
    return 0


def oversize(a):
    s = connect(a.host, a.port, "127.32.0.1")
    ok = answered(s)
    hdr = struct.pack("!HHI", 0x0001, a.length, 0x2112A442) + os.urandom(12)
    s.sendall(hdr)
    t0 = time.time()
    closed = False
    try:
        closed = s.recv(1) == b""
    except ConnectionResetError:
        closed = True
    except socket.timeout:
        closed = False
    print(json.dumps({"mode": "oversize", "length": a.length, "first_answered": ok,
                      "closed": closed, "after_s": round(time.time() - t0, 2)}), flush=True)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("mode", choices=["conns", "slowloris", "oversize"])
    p.add_argument("host")
    p.add_argument("port", type=int)
    p.add_argument("--sources", type=int, default=1)
    p.add_argument("--per-source", type=int, default=1)
    p.add_argument("--count", type=int, default=20)
    p.add_argument("--trickle", action="store_true")
    p.add_argument("--max-seconds", type=float, default=10)
    p.add_argument("--length", type=int, default=8000)
    a = p.parse_args()
    if not a.host.startswith("127."):
        print("refusing: only 127.0.0.0/8", file=sys.stderr)
        return 2
    return {"conns": conns, "slowloris": slowloris, "oversize": oversize}[a.mode](a) or 0


if __name__ == "__main__":
    sys.exit(main())
