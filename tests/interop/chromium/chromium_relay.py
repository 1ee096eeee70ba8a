"""Drive Debian's headless Chromium (via chromedriver + Debian python3-selenium)
through relay_test.html: two RTCPeerConnections, iceTransportPolicy 'relay',
data channel echo, selected pair must be relay<->relay.

    /usr/bin/python3 tests/interop/chromium/chromium_relay.py \
        --turn 'turn:127.0.0.1:3478?transport=udp' [--turn 'turn:...?transport=tcp'] [--json out.json]

Environment: TURN_USER TURN_PASS; CHROMIUM_EXTRA_FLAGS (shell-quoted, shlex.split);
CHROMIUM_BIN (default: chromium on PATH).
Serves the page from a python http.server on 127.0.0.1 (ephemeral port).
Every wait is bounded; chromium and chromedriver are stopped by driver.quit().
"""
import argparse
import functools
import http.server
import json
import os
import shlex
import shutil
import sys
import tempfile
import threading
import time
import urllib.parse

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

HERE = os.path.dirname(os.path.abspath(__file__))

BASE_FLAGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--no-first-run", "--no-default-browser-check", "--disable-quic",
    "--disable-extensions", "--disable-default-apps", "--disable-domain-reliability",
    # no mDNS hostname candidates / multicast: keep all traffic on loopback
    "--disable-features=WebRtcHideLocalIpsWithMdns",
    # Chromium otherwise looks up update/sync/search hosts through the system
    # resolver even with the flags above; this makes every name lookup fail
    # locally (IP-literal TURN URLs and the 127.0.0.1 page still work).
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
]


def serve(directory):
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=directory)
    handler.log_message = lambda *a, **k: None
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd


def run_one(driver, base, turn, user, password, n, timeout_s):
    qs = urllib.parse.urlencode({"turn": turn, "user": user, "pass": password, "n": n,
                                 "timeout_ms": int(timeout_s * 1000)})
    driver.get(f"{base}/relay_test.html?{qs}")
    deadline = time.monotonic() + timeout_s + 5
    while time.monotonic() < deadline:
        if driver.title in ("PASS", "FAIL"):
            break
        time.sleep(0.2)
    res = driver.execute_script("return window.__result || null")
    return res or {"pass": False, "error": "page produced no result", "title": driver.title}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--turn", action="append")
    ap.add_argument("--n", type=int, default=20)
    ap.add_argument("--timeout", type=float, default=20)
    ap.add_argument("--json")
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args()
    host = os.environ.get("TURN_HOST", "127.0.0.1")
    port = os.environ.get("TURN_PORT", "3478")
    turns = args.turn or [f"turn:{host}:{port}?transport=udp", f"turn:{host}:{port}?transport=tcp"]
    user = os.environ.get("TURN_USER", "alice")
    password = os.environ.get("TURN_PASS", "secret")

    httpd = serve(HERE)
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    profile = tempfile.mkdtemp(prefix="avedge-chromium-")
    opts = webdriver.ChromeOptions()
    opts.binary_location = os.environ.get("CHROMIUM_BIN") or shutil.which("chromium")
    for f in BASE_FLAGS + [f"--user-data-dir={profile}"] + shlex.split(os.environ.get("CHROMIUM_EXTRA_FLAGS", "")):
        opts.add_argument(f)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(executable_path=shutil.which("chromedriver"))
    t0 = time.monotonic()
    driver = webdriver.Chrome(service=service, options=opts)
    driver.set_page_load_timeout(15)
    driver.set_script_timeout(15)
    results = []
    try:
        print("browser:", driver.capabilities.get("browserVersion"), f"(start {time.monotonic()-t0:.1f}s)")
        for turn in turns:
            t1 = time.monotonic()
            r = run_one(driver, base, turn, user, password, args.n, args.timeout)
            r["wall_s"] = round(time.monotonic() - t1, 2)
            results.append(r)
            p = r.get("pc1_pair") or {}
            print(("PASS" if r.get("pass") else "FAIL"), "chromium relay via", turn,
                  f"echoed={r.get('echoed')}/{args.n} relay={r.get('relay')} wall={r['wall_s']}s",
                  "pc1 local:", p.get("local"), "remote:", p.get("remote"))
            if not r.get("pass") or args.verbose:
                print(json.dumps(r, indent=1)[:6000])
        if args.verbose:
            for e in driver.get_log("browser"):
                print("console:", e)
    finally:
        driver.quit()
        httpd.shutdown()
        shutil.rmtree(profile, ignore_errors=True)
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(results, fh, indent=1)
    ok = all(r.get("pass") for r in results)
    print(f"{sum(bool(r.get('pass')) for r in results)} passed, {sum(not r.get('pass') for r in results)} failed")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
