"""Render an `avedge perf report` HTML file in Debian's headless Chromium (chromedriver +
python3-selenium) and check it: not blank (pixel variance of a screenshot), the expected charts,
threshold bands and crossings table present and visible, and no resource fetched from anywhere.

    /usr/bin/python3 tests/interop/perf_report_check.py report.html --screenshot shot.png \
        --group authentication --crossing auth.bad_integrity

Prints PASS/FAIL lines; exit 0 when all pass. Every wait is bounded; driver.quit() stops
chromium and chromedriver.
"""
import argparse
import os
import shutil
import struct
import sys
import tempfile
import zlib

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

FLAGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--no-first-run", "--no-default-browser-check", "--disable-extensions",
    "--disable-default-apps", "--disable-domain-reliability", "--window-size=1000,900",
    # a self-contained page needs no name lookups: make every one fail locally
    "--host-resolver-rules=MAP * ~NOTFOUND",
]


def png_pixels(data):
    """(width, height, channels, rows of bytes) of an 8-bit non-interlaced PNG (RGB or RGBA)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, width = 8, b"", 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, color, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and color in (2, 6) and interlace == 0, "unsupported PNG"
            channels = 3 if color == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * channels
    rows, prev = [], bytearray(stride)
    for y in range(height):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):  # PNG filter types, RFC 2083 §6
            a = line[i - channels] if i >= channels else 0
            b = prev[i]
            c = prev[i - channels] if i >= channels else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(line)
        prev = line
    return width, height, channels, rows


def luma_stats(png):
    w, h, ch, rows = png_pixels(png)
    values, colours = [], set()
    for row in rows[::2]:
        for x in range(0, w * ch, ch * 2):
            r, g, b = row[x], row[x + 1], row[x + 2]
            values.append((299 * r + 587 * g + 114 * b) // 1000)
            colours.add((r >> 4, g >> 4, b >> 4))
    mean = sum(values) / len(values)
    var = sum((v - mean) ** 2 for v in values) / len(values)
    return var, len(colours)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("html")
    ap.add_argument("--screenshot", required=True)
    ap.add_argument("--group", action="append", default=[], help="section id suffix")
    ap.add_argument("--crossing", help="an event code the crossings table must name")
    args = ap.parse_args()

    results = []

    def check(name, ok, info=""):
        results.append(ok)
        print(("PASS " if ok else "FAIL ") + name + (f" ({info})" if info else ""))

    profile = tempfile.mkdtemp(prefix="avedge-perf-chromium-")
    opts = webdriver.ChromeOptions()
    opts.binary_location = os.environ.get("CHROMIUM_BIN") or shutil.which("chromium")
    for f in FLAGS + [f"--user-data-dir={profile}"]:
        opts.add_argument(f)
    driver = webdriver.Chrome(service=Service(executable_path=shutil.which("chromedriver")),
                              options=opts)
    driver.set_page_load_timeout(15)
    driver.set_script_timeout(15)
    try:
        driver.get("file://" + os.path.abspath(args.html))
        check("report title", driver.title.startswith("avedge perf report"), driver.title)
        png = driver.get_screenshot_as_png()
        with open(args.screenshot, "wb") as fh:
            fh.write(png)
        var, colours = luma_stats(png)
        check("screenshot is not blank", var > 100 and colours >= 8,
              f"luma variance {var:.0f}, {colours} colours")
        charts = driver.find_elements(By.CSS_SELECTOR, "section.group svg.chart")
        check("charts rendered", len(charts) >= 2 and all(c.size["height"] > 100 for c in charts),
              f"{len(charts)} svg.chart")
        for g in args.group:
            sel = f"section#group-{g} svg.chart polyline.series"
            n = len(driver.find_elements(By.CSS_SELECTOR, sel))
            check(f"chart {g} has data lines", n >= 1, f"{n} x {sel}")
        for cls in ("threshold-warning", "threshold-error"):
            bands = driver.find_elements(By.CSS_SELECTOR, f"svg.chart rect.{cls}")
            shown = [b for b in bands if b.size["height"] > 0 and b.size["width"] > 0]
            check(f"{cls} bands drawn", len(shown) >= 1, f"{len(shown)} visible of {len(bands)}")
        rows = driver.find_elements(By.CSS_SELECTOR, "table#crossings tbody tr.crossing")
        check("table#crossings lists crossings", len(rows) >= 1, f"{len(rows)} rows")
        if args.crossing:
            named = [r for r in rows if args.crossing in r.text]
            check(f"a crossing names {args.crossing} with cause and resolution",
                  bool(named) and len(named[0].find_elements(By.TAG_NAME, "td")) == 10,
                  named[0].text[:160] if named else "none")
            shaded = driver.find_elements(By.CSS_SELECTOR, "svg.chart rect.crossing-error, "
                                          "svg.chart rect.crossing-warning")
            check("crossing time ranges shaded on the chart", len(shaded) >= 1, f"{len(shaded)}")
        fetched = driver.execute_script(
            "return performance.getEntriesByType('resource').map(e => e.name)")
        check("the page fetched nothing", fetched == [], str(fetched)[:200])
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
    print(f"{sum(results)} passed, {len(results) - sum(results)} failed")
    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
