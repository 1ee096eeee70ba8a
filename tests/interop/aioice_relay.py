"""Two aioice ICE agents that can only talk through a TURN relay.

Real client: Debian python3-aioice (aioice 0.8.0). Run with Debian's python:
    /usr/bin/python3 tests/interop/aioice_relay.py [--transport udp|tcp|tls]

Environment: TURN_HOST TURN_PORT TURN_TLS_PORT TURN_USER TURN_PASS (see lib.sh).
Exit 0 = both agents allocated relay candidates on the TURN server, ICE
completed over relay<->relay, and N datagrams went each way intact.
Bounded: the whole run is wrapped in asyncio.wait_for(TIMEOUT).
"""
import argparse
import asyncio
import logging
import os
import ssl
import sys
import time

import aioice
import aioice.ice

TIMEOUT = float(os.environ.get("CLIENT_TIMEOUT", "30"))


def loopback_only():
    # aioice gathers host candidates on every non-127.0.0.1 interface address.
    # With a relay-only policy they are never signalled, but we do not even
    # bind them: this test must only ever touch loopback.
    aioice.ice.get_host_addresses = lambda use_ipv4, use_ipv6: []


async def run(transport: str, count: int) -> int:
    host = os.environ.get("TURN_HOST", "127.0.0.1")
    port = int(os.environ.get("TURN_PORT", "3478"))
    tls_port = int(os.environ.get("TURN_TLS_PORT", "5349"))
    user = os.environ.get("TURN_USER", "alice")
    password = os.environ.get("TURN_PASS", "secret")

    turn_ssl = False
    turn_transport = transport
    server = (host, port)
    if transport == "tls":
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE  # the test server uses a self-signed cert
        turn_ssl = ctx
        turn_transport = "tcp"
        server = (host, tls_port)

    def agent(controlling):
        return aioice.Connection(
            ice_controlling=controlling,
            components=1,
            turn_server=server,
            turn_username=user,
            turn_password=password,
            turn_ssl=turn_ssl,
            turn_transport=turn_transport,
            use_ipv4=True,
            use_ipv6=False,
            transport_policy=aioice.TransportPolicy.RELAY,
        )

    a, b = agent(True), agent(False)
    t0 = time.monotonic()
    await asyncio.gather(a.gather_candidates(), b.gather_candidates())
    t_gather = time.monotonic() - t0
    for name, conn in (("A", a), ("B", b)):
        cands = conn.local_candidates
        print(f"{name} candidates: {[c.to_sdp() for c in cands]}")
        if not cands or any(c.type != "relay" for c in cands):
            print(f"FAIL: {name} has no relay candidate")
            return 1

    # signalling (in-process)
    for src, dst in ((a, b), (b, a)):
        for c in src.local_candidates:
            await dst.add_remote_candidate(c)
        await dst.add_remote_candidate(None)
        dst.remote_username = src.local_username
        dst.remote_password = src.local_password

    await asyncio.gather(a.connect(), b.connect())
    t_ice = time.monotonic() - t0
    for name, conn in (("A", a), ("B", b)):
        pair = conn._nominated.get(1)  # aioice keeps the selected pair here
        print(f"{name} nominated pair: {pair}")

    ok = 0
    for i in range(count):
        msg_ab = b"A->B %04d " % i + os.urandom(64)
        await a.send(msg_ab)
        got = await asyncio.wait_for(b.recv(), 5)
        msg_ba = b"B->A %04d " % i + os.urandom(64)
        await b.send(msg_ba)
        got2 = await asyncio.wait_for(a.recv(), 5)
        if got == msg_ab and got2 == msg_ba:
            ok += 1
    t_all = time.monotonic() - t0
    await a.close()
    await b.close()
    print(f"transport={transport} gather={t_gather:.2f}s ice={t_ice:.2f}s total={t_all:.2f}s "
          f"round_trips_ok={ok}/{count}")
    return 0 if ok == count else 1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--transport", default="udp", choices=["udp", "tcp", "tls"])
    ap.add_argument("--count", type=int, default=20)
    ap.add_argument("-v", action="store_true")
    args = ap.parse_args()
    logging.basicConfig(level=logging.DEBUG if args.v else logging.WARNING)
    loopback_only()
    try:
        rc = asyncio.run(asyncio.wait_for(run(args.transport, args.count), TIMEOUT))
    except Exception as exc:  # noqa: BLE001 - report any failure as FAIL
        print(f"FAIL: {type(exc).__name__}: {exc}")
        rc = 1
    print("PASS" if rc == 0 else "FAIL", f"aioice relay-only over {args.transport}")
    sys.exit(rc)


if __name__ == "__main__":
    main()
