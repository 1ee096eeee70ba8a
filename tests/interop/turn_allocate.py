#!/usr/bin/env python3
"""One TURN Allocate over UDP with a long-term credential (RFC 8656 §7.2, RFC 8489 §9.2), and
optionally a CreatePermission (RFC 8656 §9), decoded by hand so the recipes see the raw answer:
the error code, ALTERNATE-SERVER of a 300 (RFC 8489 §14.15), the relayed address.

usage: turn_allocate.py SERVER_IP PORT USER PASS [--permission PEER_IP]
prints one JSON line {"allocate": CODE, "alternate": "IP:PORT"|null, "relayed": "IP:PORT"|null,
"permission": CODE|null}; CODE 0 is a success response. Exit 0 when answered, 2 on timeout.
The allocation is left in place (its lifetime runs on the server)."""
import hashlib
import hmac
import json
import os
import socket
import struct
import sys
import zlib

MAGIC = 0x2112A442
ALLOCATE, CREATE_PERMISSION = 0x003, 0x008


def attr(t, v):
    return struct.pack("!HH", t, len(v)) + v + b"\0" * (-len(v) % 4)


def message(method, attrs, key=None):
    tid = os.urandom(12)
    body = b"".join(attrs)
    if key is not None:  # MESSAGE-INTEGRITY over the header with its length included (§14.5)
        head = struct.pack("!HHI", method, len(body) + 24, MAGIC) + tid
        body += attr(0x0008, hmac.new(key, head + body, hashlib.sha1).digest())
    head = struct.pack("!HHI", method, len(body) + 8, MAGIC) + tid
    fp = (zlib.crc32(head + body) ^ 0x5354554E) & 0xFFFFFFFF  # FINGERPRINT (§14.7)
    return head + body + attr(0x8028, struct.pack("!I", fp))


def parse(data):
    mtype, _length = struct.unpack("!HH", data[:4])
    attrs, i = {}, 20
    while i + 4 <= len(data):
        t, n = struct.unpack("!HH", data[i:i + 4])
        attrs.setdefault(t, data[i + 4:i + 4 + n])
        i += 4 + n + (-n % 4)
    return mtype, attrs


def address(v, xor):
    port = struct.unpack("!H", v[2:4])[0]
    ip = bytearray(v[4:8])
    if xor:
        port ^= MAGIC >> 16
        ip = bytearray(b ^ m for b, m in zip(ip, struct.pack("!I", MAGIC)))
    return "%s:%d" % (socket.inet_ntoa(bytes(ip)), port)


def error_code(mtype, attrs):
    if mtype & 0x0110 != 0x0110:
        return 0
    v = attrs.get(0x0009, b"\0\0\0\0")
    return (v[2] & 7) * 100 + v[3]


def main():
    server, port, user, password = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    peer = sys.argv[sys.argv.index("--permission") + 1] if "--permission" in sys.argv else None
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(2)

    def ask(msg):
        s.sendto(msg, (server, port))
        return parse(s.recv(2048))

    transport = attr(0x0019, bytes([17, 0, 0, 0]))  # REQUESTED-TRANSPORT UDP
    out = {"allocate": None, "alternate": None, "relayed": None, "permission": None}
    try:
        mtype, a = ask(message(ALLOCATE, [transport]))
        if error_code(mtype, a) == 401:
            realm, nonce = a[0x0014], a[0x0015]
            key = hashlib.md5(b"%s:%s:%s" % (user.encode(), realm, password.encode())).digest()
            auth = [attr(0x0006, user.encode()), attr(0x0014, realm), attr(0x0015, nonce)]
            mtype, a = ask(message(ALLOCATE, [transport] + auth, key))
        out["allocate"] = error_code(mtype, a)
        if 0x8023 in a:
            out["alternate"] = address(a[0x8023], False)
        if 0x0016 in a:
            out["relayed"] = address(a[0x0016], True)
        if peer and out["allocate"] == 0:
            xpeer = struct.pack("!BBH", 0, 1, 0 ^ (MAGIC >> 16)) + bytes(
                b ^ m for b, m in zip(socket.inet_aton(peer), struct.pack("!I", MAGIC)))
            mtype, a = ask(message(CREATE_PERMISSION, [attr(0x0012, xpeer)] + auth, key))
            out["permission"] = error_code(mtype, a)
    except socket.timeout:
        print(json.dumps(out))
        return 2
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
