"""Two aiortc RTCPeerConnections whose only path is a TURN relay; a data
channel (DTLS + SCTP over ICE) carries messages both ways.

Real client: Debian python3-aiortc (aiortc 1.4.0, on top of aioice 0.8.0).
    /usr/bin/python3 tests/interop/aiortc_datachannel.py [--url turn:127.0.0.1:3478?transport=udp]

aiortc 1.4 has no iceTransportPolicy, so relay-only is forced the same way
the browser option works: no host candidates are gathered (host address
discovery is patched to return nothing) and aioice's transport policy is set
to RELAY. The selected pair must therefore be relay<->relay.

Environment: TURN_HOST TURN_PORT TURN_TLS_PORT TURN_USER TURN_PASS (lib.sh).
For turns: the server's self-signed test cert must be trusted: run with
SSL_CERT_FILE pointing to it (t_python_ice.sh does this).
Exit 0 = data channel opened and COUNT messages echoed intact.
"""
import argparse
import asyncio
import os
import sys
import time

import aioice
import aioice.ice
import aiortc.rtcicetransport as rit
from aiortc import RTCConfiguration, RTCIceServer, RTCPeerConnection

TIMEOUT = float(os.environ.get("CLIENT_TIMEOUT", "40"))

# --- force relay-only, loopback-only ---------------------------------------
aioice.ice.get_host_addresses = lambda use_ipv4, use_ipv6: []
_orig_kwargs = rit.connection_kwargs


def _relay_kwargs(servers):
    kw = _orig_kwargs(servers)
    kw["transport_policy"] = aioice.TransportPolicy.RELAY
    kw["use_ipv6"] = False
    return kw


rit.connection_kwargs = _relay_kwargs
# ---------------------------------------------------------------------------


def selected_pair(pc):
    conn = pc.sctp.transport.transport._connection  # RTCIceTransport -> aioice
    pair = conn._nominated.get(1)
    return pair


async def run(url, count):
    user = os.environ.get("TURN_USER", "alice")
    password = os.environ.get("TURN_PASS", "secret")
    cfg = RTCConfiguration(iceServers=[RTCIceServer(urls=[url], username=user, credential=password)])
    pc1, pc2 = RTCPeerConnection(cfg), RTCPeerConnection(cfg)
    t0 = time.monotonic()
    opened = asyncio.Event()
    received = asyncio.Queue()

    dc1 = pc1.createDataChannel("chat")

    @dc1.on("open")
    def _open():
        opened.set()

    @dc1.on("message")
    def _m1(msg):
        received.put_nowait(msg)

    @pc2.on("datachannel")
    def _dc(channel):
        @channel.on("message")
        def _m2(msg):
            channel.send("echo:" + msg)

    await pc1.setLocalDescription(await pc1.createOffer())   # gathers (TURN allocate)
    await pc2.setRemoteDescription(pc1.localDescription)
    await pc2.setLocalDescription(await pc2.createAnswer())
    await pc1.setRemoteDescription(pc2.localDescription)
    cands = [l for l in pc1.localDescription.sdp.splitlines() if l.startswith("a=candidate")]
    print("pc1 candidates:", cands)
    if not cands or any(" typ relay" not in c for c in cands):
        print("FAIL: pc1 offered a non-relay candidate or none")
        return 1

    await asyncio.wait_for(opened.wait(), 20)
    t_open = time.monotonic() - t0
    ok = 0
    for i in range(count):
        payload = f"msg-{i}-" + "x" * 100
        dc1.send(payload)
        got = await asyncio.wait_for(received.get(), 5)
        ok += got == "echo:" + payload
    p1, p2 = selected_pair(pc1), selected_pair(pc2)
    print("pc1 selected pair:", p1, p1.local_candidate.type, "->", p1.remote_candidate.type)
    print("pc2 selected pair:", p2, p2.local_candidate.type, "->", p2.remote_candidate.type)
    relay = all(p.local_candidate.type == "relay" and p.remote_candidate.type == "relay" for p in (p1, p2))
    await pc1.close()
    await pc2.close()
    print(f"url={url} open={t_open:.2f}s total={time.monotonic()-t0:.2f}s echoed={ok}/{count} relay_pair={relay}")
    return 0 if ok == count and relay else 1


def main():
    host = os.environ.get("TURN_HOST", "127.0.0.1")
    port = os.environ.get("TURN_PORT", "3478")
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", default=f"turn:{host}:{port}?transport=udp")
    ap.add_argument("--count", type=int, default=20)
    args = ap.parse_args()
    try:
        rc = asyncio.run(asyncio.wait_for(run(args.url, args.count), TIMEOUT))
    except Exception as exc:  # noqa: BLE001
        print(f"FAIL: {type(exc).__name__}: {exc}")
        rc = 1
    print("PASS" if rc == 0 else "FAIL", "aiortc data channel via", args.url)
    sys.exit(rc)


if __name__ == "__main__":
    main()
