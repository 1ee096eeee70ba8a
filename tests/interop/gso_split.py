#!/usr/bin/env python3
"""gso_split.py IN.pcap OUT.pcap -- a capture on the sending host shows the datagrams of one
UDP GSO send (Linux UDP_SEGMENT; avedge sends so, docs/decisions/0010) as one frame: segments
of one size, the last one possibly shorter. Wireshark then sees one UDP datagram that is not
one STUN message. This rewrites every such frame into the datagrams that left on the wire (the
same rule as avedge analyze: the payload must split into whole STUN/ChannelData messages), so
the tshark gate judges what clients received. Classic pcap in (editcap -F pcap), Ethernet,
Linux cooked (SLL) or raw IP; other frames are copied unchanged. Prints how many frames split."""
import struct
import sys

COOKIE = b"\x21\x12\xa4\x42"


def whole(d):
    """A whole STUN message (RFC 8489 §5) or ChannelData (RFC 8656 §12.4, ≤ 3 bytes padding)."""
    if len(d) < 4:
        return False
    length = struct.unpack("!H", d[2:4])[0]
    if d[0] < 4:
        return len(d) == 20 + length and d[4:8] == COOKIE
    if 0x40 <= d[0] <= 0x7F:
        return 0 <= len(d) - (4 + length) < 4
    return False


def split(payload):
    if len(payload) < 4:
        return [payload]
    length = struct.unpack("!H", payload[2:4])[0]
    if payload[0] < 4:
        sizes = [20 + length]
    elif 0x40 <= payload[0] <= 0x7F:
        sizes = [4 + length, (4 + length + 3) & ~3]
    else:
        return [payload]
    for seg in sizes:
        if seg == 0 or seg >= len(payload):
            continue
        parts = [payload[i:i + seg] for i in range(0, len(payload), seg)]
        if all(whole(p) for p in parts):
            return parts
    return [payload]


def ip_checksum(hdr):
    s = sum(struct.unpack("!%dH" % (len(hdr) // 2), hdr))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return struct.pack("!H", ~s & 0xFFFF)


def rewrite(frame, link):
    """The frames this frame stands for: [frame] unless it is a splittable UDP GSO frame."""
    if link == 1:  # Ethernet (loopback captures), VLAN tags skipped
        off, etype = 12, None
        while off + 2 <= len(frame):
            etype = struct.unpack("!H", frame[off:off + 2])[0]
            off += 2
            if etype != 0x8100:
                break
            off += 2
    elif link == 113:  # Linux cooked
        off, etype = 16, struct.unpack("!H", frame[14:16])[0] if len(frame) >= 16 else None
    elif link in (101, 228, 229):  # raw IP
        off = 0
        etype = {4: 0x0800, 6: 0x86DD}.get(frame[0] >> 4) if frame else None
    else:
        return [frame]
    head, ip = frame[:off], frame[off:]
    if etype == 0x0800 and len(ip) >= 20 and ip[9] == 17:
        ihl = (ip[0] & 0x0F) * 4
        if struct.unpack("!H", ip[6:8])[0] & 0x3FFF:  # a fragment
            return [frame]
        l3, udp = ip[:ihl], ip[ihl:]
    elif etype == 0x86DD and len(ip) >= 40 and ip[6] == 17:
        l3, udp = ip[:40], ip[40:]
    else:
        return [frame]
    if len(udp) < 8:
        return [frame]
    parts = split(udp[8:])
    if len(parts) == 1:
        return [frame]
    out = []
    for p in parts:
        u = udp[:4] + struct.pack("!HH", 8 + len(p), 0) + p  # checksum 0: not verified
        if etype == 0x0800:
            h = bytearray(l3)
            h[2:4] = struct.pack("!H", len(h) + len(u))
            h[10:12] = b"\0\0"
            h[10:12] = ip_checksum(bytes(h))
        else:
            h = bytearray(l3)
            h[4:6] = struct.pack("!H", len(u))
        out.append(head + bytes(h) + u)
    return out


def main():
    src, dst = sys.argv[1], sys.argv[2]
    with open(src, "rb") as f:
        data = f.read()
    magic = data[:4]
    endian = {b"\xd4\xc3\xb2\xa1": "<", b"\xa1\xb2\xc3\xd4": ">",
              b"\x4d\x3c\xb2\xa1": "<", b"\xa1\xb2\x3c\x4d": ">"}.get(magic)
    if endian is None:
        sys.exit("gso_split: %s is not a classic pcap (convert with editcap -F pcap)" % src)
    link = struct.unpack(endian + "I", data[20:24])[0] & 0x0FFFFFFF
    out = [data[:24]]
    at, splits = 24, 0
    while at + 16 <= len(data):
        sec, frac, incl, orig = struct.unpack(endian + "IIII", data[at:at + 16])
        frame = data[at + 16:at + 16 + incl]
        at += 16 + incl
        frames = rewrite(frame, link) if incl == orig else [frame]
        if len(frames) > 1:
            splits += 1
        for fr in frames:
            n = len(fr) if len(frames) > 1 else incl
            o = len(fr) if len(frames) > 1 else orig
            out.append(struct.pack(endian + "IIII", sec, frac, n, o) + fr)
    with open(dst, "wb") as f:
        f.write(b"".join(out))
    print("gso_frames_split=%d" % splits)


if __name__ == "__main__":
    main()
