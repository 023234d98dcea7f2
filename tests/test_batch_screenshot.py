"""report.html rendered by headless Chromium: it renders, the table and the plots are visible.

Uses Debian's ``chromium`` (``make test`` installs it where it can, see CONTRIBUTING.md);
skips with a reason when it is absent.
The report comes from fake engines (no model), so the test takes seconds.
"""

from __future__ import annotations

import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest

from summarize.batch.run import run_batch
from summarize.input.documents import read_batch_input
from summarize.render.batch_text import write_batch_reports
from tests.test_batch import OPTIONS, engines, make_input  # noqa: F401  (engines is a fixture)

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WIDTH, HEIGHT = 1280, 2000


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if found := shutil.which(name):
            return found
    pytest.skip(
        "headless Chromium not installed (apt-get install -y chromium; see CONTRIBUTING.md)"
    )


def decode_png(data: bytes) -> tuple[int, int, int, list[bytes]]:
    """(width, height, bytes per pixel, rows) of an 8-bit, non-interlaced RGB/RGBA PNG."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    position, idat, header = 8, b"", None
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        body = data[position + 8 : position + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        position += 12 + length
    width, height, depth, color, _, _, interlace = header
    assert depth == 8 and interlace == 0 and color in (2, 6), header
    bpp = 3 if color == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * bpp
    rows, previous = [], bytearray(stride)
    for y in range(height):
        kind = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for x in range(stride):
            left = line[x - bpp] if x >= bpp else 0
            up = previous[x]
            corner = previous[x - bpp] if x >= bpp else 0
            if kind == 1:
                line[x] = (line[x] + left) & 0xFF
            elif kind == 2:
                line[x] = (line[x] + up) & 0xFF
            elif kind == 3:
                line[x] = (line[x] + (left + up) // 2) & 0xFF
            elif kind == 4:
                estimate = left + up - corner
                pa, pb, pc = abs(estimate - left), abs(estimate - up), abs(estimate - corner)
                nearest = left if pa <= pb and pa <= pc else up if pb <= pc else corner
                line[x] = (line[x] + nearest) & 0xFF
        rows.append(bytes(line))
        previous = line
    return width, height, bpp, rows


@pytest.fixture
def report(tmp_path: Path, engines) -> Path:  # noqa: F811
    out = tmp_path / "out"
    write_batch_reports(run_batch(read_batch_input(make_input(tmp_path)), out, OPTIONS), out)
    return out / "report.html"


def run_chromium(binary: str, tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    profile = tmp_path / "chromium-profile"
    profile.mkdir(exist_ok=True)
    return subprocess.run(
        [binary, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_report_renders_with_table_and_plots(report: Path, tmp_path: Path) -> None:
    binary = chromium()
    url = report.resolve().as_uri()
    screenshot = tmp_path / "report.png"
    shot = run_chromium(
        binary, tmp_path, f"--screenshot={screenshot}", f"--window-size={WIDTH},{HEIGHT}", url
    )
    assert screenshot.exists(), shot.stderr[-2000:]
    width, height, bpp, rows = decode_png(screenshot.read_bytes())
    assert (width, height) == (WIDTH, HEIGHT)
    # Not blank: many colours, and ink (dark pixels: text, axes) in the top half and the plots.
    pixels = {row[x : x + 3] for row in rows[::8] for x in range(0, len(row), bpp * 8)}
    assert len(pixels) > 50, f"only {len(pixels)} colours: blank page?"
    dark_rows = [
        y for y, row in enumerate(rows) if any(row[x] < 100 for x in range(0, len(row), bpp))
    ]
    assert len(dark_rows) > 200 and min(dark_rows) < 200
    # Plots use saturated colours (the palette), which text and tables never do.
    coloured = sum(
        1
        for row in rows[::2]
        for x in range(0, len(row), bpp * 2)
        if max(row[x : x + 3]) - min(row[x : x + 3]) > 80
    )
    assert coloured > 200, "no plot colours on screen"

    dom = run_chromium(binary, tmp_path, "--dump-dom", url)
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert '<table class="systems">' in dom.stdout
    assert dom.stdout.count('<svg xmlns="http://www.w3.org/2000/svg" class="plot"') >= 3
    assert "fake:en→ru→en" in dom.stdout
    assert "<script>alert" not in dom.stdout
