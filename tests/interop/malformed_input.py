#!/usr/bin/env python3
"""Malformed input against a live server (RFC 8489 §6.3, RFC 8656 §12): each bad message is
answered or dropped as the RFC says, and the server keeps answering everyone afterwards.
Prints PASS/FAIL lines. Env: TURN_HOST, TURN_PORT. Only loopback."""
import binascii
import os
import socket
import struct
import sys

HOST = os.environ.get("TURN_HOST", "127.0.0.1")
PORT = int(os.environ.get("TURN_PORT", "3478"))
assert HOST.startswith("127."), "loopback only"
COOKIE = 0x2112A442
results = []


def report(name, ok, extra=""):
    results.append(ok)
    print(("PASS " if ok else "FAIL ") + name + (f" ({extra})" if extra else ""), flush=True)


def stun(method_type, attrs=b"", tid=None, length=None, fingerprint=False):
    tid = tid or os.urandom(12)
    body = attrs
    if fingerprint:
        hdr = struct.pack("!HHI12s", method_type, len(body) + 8, COOKIE, tid)
        crc = (binascii.crc32(hdr + body) & 0xFFFFFFFF) ^ 0x5354554E
        body += struct.pack("!HHI", 0x8028, 4, crc)
    n = len(body) if length is None else length
    return struct.pack("!HHI12s", method_type, n, COOKIE, tid) + body


def attr(t, v):
    pad = (4 - len(v) % 4) % 4
    return struct.pack("!HH", t, len(v)) + v + b"\0" * pad


def udp_exchange(data, timeout=0.3):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(timeout)
    s.sendto(data, (HOST, PORT))
    try:
        return s.recv(65535)
    except socket.timeout:
        return None
    finally:
        s.close()


def error_code(msg):
    if not msg or len(msg) < 20:
        return None
    off, end = 20, 20 + struct.unpack("!H", msg[2:4])[0]
    while off + 4 <= end:
        t, ln = struct.unpack("!HH", msg[off:off + 4])
        if t == 0x0009:
            v = msg[off + 4:off + 4 + ln]
            return (v[2] & 7) * 100 + v[3]
        off += 4 + ln + (4 - ln % 4) % 4
    return 0


def binding_ok(msg):
    return msg is not None and struct.unpack("!H", msg[0:2])[0] == 0x0101


BINDING = 0x0001
# --- UDP: dropped silently ---
silent = {
    "truncated header": stun(BINDING)[:10],
    "length longer than datagram": stun(BINDING, length=64),
    "length not a multiple of 4": stun(BINDING, attrs=b"\0\0\0"),
    "wrong FINGERPRINT": stun(BINDING, fingerprint=True)[:-1] + b"\x00",
    "wrong magic cookie": struct.pack("!HHI12s", BINDING, 0, 0xDEADBEEF, os.urandom(12)),
    "attribute length past the end": stun(BINDING, attrs=struct.pack("!HH", 0x8022, 200) + b"abcd"),
    "ChannelData on an unbound channel": struct.pack("!HH", 0x4001, 4) + b"data",
    "ChannelData length lies": struct.pack("!HH", 0x4001, 0xFFFF) + b"data",
    "first byte neither STUN nor ChannelData": b"\x80\x00\x00\x00" + os.urandom(12),
    "STUN response sent to the server": stun(0x0101),
}
for name, data in silent.items():
    r = udp_exchange(data)
    report(f"udp {name}: dropped", r is None, "" if r is None else f"got {len(r)} bytes")

# --- UDP: answered ---
r = udp_exchange(stun(BINDING, attrs=attr(0x7F01, b"\1\2\3\4")))
report("udp unknown comprehension-required attribute: 420", error_code(r) == 420, f"code={error_code(r)}")
r = udp_exchange(stun(BINDING, attrs=attr(0xC001, b"\1\2\3\4")))
report("udp unknown comprehension-optional attribute: ignored, Binding succeeds", binding_ok(r))
r = udp_exchange(stun(0x0003, attrs=attr(0x0019, b"\x11\0\0\0")))
report("udp Allocate without credentials: 401", error_code(r) == 401, f"code={error_code(r)}")
r = udp_exchange(stun(BINDING, fingerprint=True))
report("udp Binding with FINGERPRINT after all the junk: success", binding_ok(r))


# --- TCP framing ---
def tcp_conn():
    c = socket.create_connection((HOST, PORT), timeout=2)
    c.settimeout(2)
    return c


PENDING = {}


def recv_msg(c):
    """One STUN message from the stream; bytes after it are kept for the next call."""
    buf = PENDING.pop(c.fileno(), b"")
    while True:
        if len(buf) >= 20:
            need = 20 + struct.unpack("!H", buf[2:4])[0]
            if len(buf) >= need:
                PENDING[c.fileno()] = buf[need:]
                return buf[:need]
        chunk = c.recv(65535)
        if not chunk:
            return None
        buf += chunk


c = tcp_conn()
m = stun(BINDING)
c.sendall(m[:7])
c.sendall(m[7:])
report("tcp Binding split across two writes: success", binding_ok(recv_msg(c)))
c.sendall(stun(BINDING) + stun(BINDING))
report("tcp two Bindings in one write: two answers", binding_ok(recv_msg(c)) and binding_ok(recv_msg(c)))
c.sendall(b"\x80" + os.urandom(30))
try:
    closed = c.recv(100) == b""
except (ConnectionResetError, socket.timeout):
    closed = True
report("tcp garbage first byte: connection closed", closed)
c.close()
c = tcp_conn()
c.sendall(struct.pack("!HHI12s", BINDING, 0x0005, COOKIE, os.urandom(12)))  # length % 4 != 0
try:
    closed = c.recv(100) == b""
except (ConnectionResetError, socket.timeout):
    closed = True
report("tcp STUN length not a multiple of 4: connection closed", closed)
c.close()
c = tcp_conn()
c.sendall(stun(BINDING))
report("tcp new connection after the junk: Binding succeeds", binding_ok(recv_msg(c)))
c.close()

print(f"{sum(results)} passed, {len(results) - sum(results)} failed")
sys.exit(0 if all(results) else 1)
