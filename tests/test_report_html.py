"""`sysrec report --html FILE`: one self-contained page; `-o FILE.md` writes the ladder diagrams
its links point to. The page is opened in headless Chromium when it is installed."""

from __future__ import annotations

import json
import os
import re
import shutil
import struct
import subprocess
import sys
import zlib
from html.parser import HTMLParser
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
REAL = ROOT / "tests" / "data" / "real"
SCENARIOS = ["accept-queue-overflow", "burst-over-latency", "connection-refused"]


def run_cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sysrec", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=300)


def cells_of(name: str) -> list[str]:
    summary = json.loads((REAL / name / "summary.json").read_text())
    return [cell["name"] for cell in summary["cells"]]


class Tags(HTMLParser):
    """Counts elements and collects every URL-carrying attribute."""

    def __init__(self) -> None:
        super().__init__()
        self.count: dict[str, int] = {}
        self.urls: list[str] = []
        self.pre_text: list[str] = []
        self._in_pre = 0

    def handle_starttag(self, tag, attrs):
        self.count[tag] = self.count.get(tag, 0) + 1
        self._in_pre += tag == "pre"
        for key, value in attrs:
            if key in ("src", "href", "xlink:href", "action") and value:
                self.urls.append(value)

    def handle_endtag(self, tag):
        self._in_pre -= tag == "pre"

    def handle_data(self, data):
        if self._in_pre:
            self.pre_text.append(data)


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("report")
    proc = run_cli("report", *(f"scenarios/{n}.toml" for n in SCENARIOS), "--from", "tests/data/real",
                   "--html", str(out / "report.html"), "-o", str(out / "failure-modes.md"))
    assert proc.returncode == 0, proc.stderr
    return out


def test_page_is_self_contained_with_a_ladder_per_cell(report: Path):
    page = (report / "report.html").read_text(encoding="utf-8")
    tags = Tags()
    tags.feed(page)
    cells = sum(len(cells_of(n)) for n in SCENARIOS)
    assert tags.count.get("svg") == cells
    assert tags.count.get("style") == 1 and "script" not in tags.count and "link" not in tags.count
    assert tags.count.get("img", 0) == 0 and "iframe" not in tags.count
    # nothing to fetch: only in-page anchors
    assert tags.urls and all(url.startswith("#") for url in tags.urls)
    assert not re.search(r"url\(|@import", page)
    for name in SCENARIOS:
        assert f'<section id="{name}">' in page
        for cell in cells_of(name):
            assert f"<figcaption>{cell}</figcaption>" in page
    pre = "".join(tags.pre_text)
    assert "# accept-queue-overflow / tcp_abort_on_overflow=1 / run 1" in pre  # a timeline
    assert "getsockopt(" in pre and "SO_ERROR" in pre
    assert "net.ipv4.tcp_abort_on_overflow: 0 → 1" in pre and "first divergence" in pre  # a diff
    assert page.count("Diff between cells") == sum(1 for n in SCENARIOS if len(cells_of(n)) > 1)


def test_markdown_links_every_diagram_it_wrote(report: Path):
    markdown = (report / "failure-modes.md").read_text(encoding="utf-8")
    links = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", markdown)
    assert len(links) == sum(len(cells_of(n)) for n in SCENARIOS)
    written = sorted(p.relative_to(report).as_posix() for p in (report / "img").iterdir())
    assert sorted(links) == written
    for link in links:
        assert not link.startswith(("/", "http")) and (report / link).read_text().startswith("<svg ")


def test_markdown_on_stdout_writes_no_images(tmp_path: Path):
    proc = run_cli("report", "scenarios/connection-refused.toml", "--from", "tests/data/real", cwd=ROOT)
    assert proc.returncode == 0 and "](img/connection-refused-default.svg)" in proc.stdout
    assert not (ROOT / "img").exists()


def test_html_alone_writes_no_markdown(tmp_path: Path):
    page = tmp_path / "only.html"
    proc = run_cli("report", str(ROOT / "scenarios/connection-refused.toml"), "--from", str(REAL), "--html",
                   str(page), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "" and sorted(p.name for p in tmp_path.iterdir()) == ["only.html"]


def test_bad_html_target_is_one_line(tmp_path: Path):
    proc = run_cli("report", "scenarios/connection-refused.toml", "--from", "tests/data/real", "--html",
                   str(tmp_path / "missing" / "x.html"))
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and "--html" in proc.stderr


def test_scenario_names_work_like_paths(tmp_path: Path):
    by_name = run_cli("report", "connection-refused", "--from", str(REAL), cwd=tmp_path)
    by_path = run_cli("report", "scenarios/connection-refused.toml", "--from", "tests/data/real")
    assert by_name.returncode == 0, by_name.stderr
    assert by_name.stdout == by_path.stdout  # also the file's name: `scenarios/connection-refused.toml`
    assert str(ROOT) not in by_name.stdout


# --- the page in a browser -----------------------------------------------------------------

def png_pixels(data: bytes) -> tuple[int, int, list[bytes]]:
    """Width, height and rows of an 8-bit RGB/RGBA non-interlaced PNG (what Chromium writes)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width = 8, b"", 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and colour in (2, 6) and interlace == 0
            channels = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * channels
    rows, previous = [], bytearray(stride)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up = previous[i]
            corner = previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 255
            elif kind == 2:
                line[i] = (line[i] + up) & 255
            elif kind == 3:
                line[i] = (line[i] + ((left + up) >> 1)) & 255
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 255
        rows.append(bytes(line[c] for i in range(0, stride, channels) for c in (i, i + 1, i + 2)))
        previous = line
    return width, height, rows


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (install.sh --test installs it)")
def test_page_renders_in_headless_chromium(report: Path, tmp_path: Path):
    page = (report / "report.html").as_uri()
    shot = tmp_path / "page.png"
    common = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
              "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}", "--force-device-scale-factor=1"]
    env = dict(os.environ, HOME=str(tmp_path))
    proc = subprocess.run([*common, "--window-size=1200,1000", f"--screenshot={shot}", page],
                          capture_output=True, text=True, timeout=120, env=env)
    assert shot.exists(), proc.stderr[-2000:]
    width, height, rows = png_pixels(shot.read_bytes())
    assert (width, height) == (1200, 1000)
    # not blank: the page's text, tables and the first diagram's coloured arrows
    grey = [sum(row[i:i + 3]) / 3 for row in rows[::4] for i in range(0, len(row), 12)]
    mean = sum(grey) / len(grey)
    variance = sum((g - mean) ** 2 for g in grey) / len(grey)
    assert variance > 200, f"screenshot looks blank (variance {variance:.0f})"
    colours = {row[i:i + 3] for row in rows[::2] for i in range(0, len(row), 3)}
    assert len(colours) > 50
    dom = subprocess.run([*common, "--dump-dom", page], capture_output=True, text=True, timeout=120, env=env)
    assert dom.returncode == 0, dom.stderr[-2000:]
    cells = sum(len(cells_of(n)) for n in SCENARIOS)
    assert dom.stdout.count("<svg ") == cells
    assert dom.stdout.count('class="sysrec-ladder"') == cells
    assert dom.stdout.count("<polygon ") > 100  # arrowheads
