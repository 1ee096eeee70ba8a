#!/usr/bin/python3
"""Ask an MRAS (avedge, [MS-AVEDGEA]) for relay credentials with a real SIP SERVICE.

Sends one SERVICE over TCP or TLS with a version 1.0 (or 2.0) request: identity, location,
duration 480, as SIPE sends it. Prints on success (exit 0), one line:
    username=U password=P relay=HOST udp=3478 tcp=443 duration=480 location=internet
and on refusal (exit 1) the status line and the ms-diagnostics header, e.g.
    status=403 Forbidden
    ms-diagnostics: 9001;source="...";reason="...";component="Media Relay Authentication Service"
--json prints one JSON object instead. Standard library only (socket, ssl).
"""
import argparse
import json
import random
import socket
import ssl
import sys
import xml.etree.ElementTree as ET

NS = "http://schemas.microsoft.com/2006/09/sip/mrasp"
CT = "application/msrtc-media-relay-auth+xml"


def build_request(args):
    rid = str(random.randint(1, 2**31 - 1))
    to = args.to or f"sip:{args.host}@{args.identity.split('@')[-1]};gruu;opaque=srvr:MRAS"
    body = (f'<request requestID="{rid}" from="{args.identity}" version="{args.version}" '
            f'to="{to}" xmlns="{NS}" '
            f'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            f'<credentialsRequest credentialsRequestID="{rid}">'
            f'<identity>{args.identity}</identity><location>{args.location}</location>'
            f'<duration>{args.duration}</duration></credentialsRequest></request>').encode()
    transport = "TLS" if args.tls else "TCP"
    head = (f"SERVICE sip:{args.host}:{args.port};grid SIP/2.0\r\n"
            f"Via: SIP/2.0/{transport} 127.0.0.1:5999;branch=z9hG4bK{rid}\r\n"
            f"From: <{args.identity}>;tag={rid}\r\n"
            f"To: <{to}>\r\n"
            f"Call-ID: mras-{rid}\r\n"
            f"CSeq: 1 SERVICE\r\n"
            f"Max-Forwards: 70\r\n"
            f"User-Agent: avedge-sip-mras-client\r\n"
            f"Content-Type: {CT}\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode()
    return head + body


def connect(args):
    sock = socket.create_connection((args.host, args.port), timeout=args.timeout)
    if not args.tls:
        return sock
    ctx = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=args.cafile)
    if args.insecure:
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
    if args.cert:
        ctx.load_cert_chain(args.cert, args.key)
    return ctx.wrap_socket(sock, server_hostname=args.servername or args.host)


def read_response(sock):
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(4096)
        if not chunk:
            raise RuntimeError("connection closed before a full response")
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    lines = head.decode("utf-8", "replace").split("\r\n")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers.setdefault(name.strip().lower(), value.strip())
    length = int(headers.get("content-length", headers.get("l", "0")))
    while len(rest) < length:
        chunk = sock.recv(4096)
        if not chunk:
            break
        rest += chunk
    return lines[0], headers, rest[:length]


def local(tag):
    return tag.rsplit("}", 1)[-1]


def find(node, name):
    for c in node:
        if local(c.tag) == name:
            return c
    return None


def text(node, name):
    c = find(node, name) if node is not None else None
    return (c.text or "").strip() if c is not None else ""


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=5062)
    p.add_argument("--tls", action="store_true", help="SIP over TLS instead of TCP")
    p.add_argument("--cafile", help="CA bundle to verify the MRAS certificate")
    p.add_argument("--insecure", action="store_true", help="do not verify the MRAS certificate")
    p.add_argument("--servername", help="TLS SNI / name to verify (default: --host)")
    p.add_argument("--cert", help="client certificate (PEM) naming the front end")
    p.add_argument("--key", help="client key (PEM), when not inside --cert")
    p.add_argument("--identity", default="sip:alice@contoso.com")
    p.add_argument("--location", default="internet", choices=["internet", "intranet"])
    p.add_argument("--duration", type=int, default=480, help="minutes")
    p.add_argument("--version", default="1.0", help='request version ("1.0" or "2.0")')
    p.add_argument("--to", help="request to= URI (default: derived from --host)")
    p.add_argument("--timeout", type=float, default=5.0)
    p.add_argument("--json", action="store_true", help="print one JSON object")
    args = p.parse_args()

    try:
        with connect(args) as sock:
            sock.sendall(build_request(args))
            status, headers, body = read_response(sock)
    except (OSError, RuntimeError, ssl.SSLError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2

    code = status.split(" ", 2)[1] if status.count(" ") >= 1 else "?"
    result = {"status": status, "ms_diagnostics": headers.get("ms-diagnostics", "")}
    creds = None
    if body:
        try:
            root = ET.fromstring(body)
            result["reasonPhrase"] = root.get("reasonPhrase", "")
            cr = find(root, "credentialsResponse")
            if cr is not None:
                c = find(cr, "credentials")
                relay = find(find(cr, "mediaRelayList"), "mediaRelay")
                creds = {
                    "username": text(c, "username"),
                    "password": text(c, "password"),
                    "duration": text(c, "duration"),
                    "realm": text(c, "realm"),
                    "relay": text(relay, "hostName") or text(relay, "directIPAddress"),
                    "udp": text(relay, "udpPort"),
                    "tcp": text(relay, "tcpPort"),
                    "location": text(relay, "location"),
                }
        except ET.ParseError as e:
            result["xml_error"] = str(e)
    ok = code == "200" and creds is not None and result.get("reasonPhrase") == "OK"
    if args.json:
        if creds:
            result.update(creds)
        print(json.dumps(result))
    elif ok:
        print(f"username={creds['username']} password={creds['password']} relay={creds['relay']} "
              f"udp={creds['udp']} tcp={creds['tcp']} duration={creds['duration']} "
              f"location={creds['location']}")
    else:
        print(f"status={status.partition(' ')[2]}")
        if result["ms_diagnostics"]:
            print(f"ms-diagnostics: {result['ms_diagnostics']}")
        if result.get("reasonPhrase"):
            print(f"reasonPhrase={result['reasonPhrase']}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
