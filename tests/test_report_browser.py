"""The HTML reports in a real browser: headless Chromium opens each one, renders it, logs no errors.

Every report, internal and public, is also laid out at a desktop width (1280 px)
and on a phone (390 px, emulated as a mobile device with its viewport), and
nothing may be wider than the screen. Chromium's command line cannot make a
window narrower than 500 px, so that test drives it through the DevTools
protocol over a pipe (`--remote-debugging-pipe`): no extra dependency.

Screenshots land in tests/_artifacts/screenshots/ (git-ignored; CI keeps them as
artefacts) for a person to look at. Without /usr/bin/chromium the tests are
skipped on a workstation but fail in CI (env CI set), where .ci/run installs it.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import re
import select
import subprocess
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from conftest import AS_OF, EXAMPLE, REPO
from vpsec.app.report import ReportOptions, render_report

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = REPO / "tests" / "_artifacts" / "screenshots"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
CASES = {
    "assessment": ({}, "Security and human rights assessment"),
    "transfer-register": ({}, "Record of Transfer Register"),
    "site": ({"site": "kamituga"}, "Site security arrangements: Kamituga Gold Mine"),
    "meeting": (
        {"record": "mtg-2026-10-08-kamituga"},
        "Minutes: Monthly security coordination meeting, Kamituga",
    ),
}


@pytest.fixture(scope="module")
def chromium() -> Path:
    if not CHROMIUM.is_file():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing in CI; .ci/run should have installed chromium")
        pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium); not in CI, so skipped")
    return CHROMIUM


def _run(chromium: Path, profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(chromium), *FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("audience", ["internal", "public"])
@pytest.mark.parametrize("report", list(CASES))
def test_html_report_renders_in_chromium(
    chromium: Path, tmp_path: Path, report: str, audience: str
) -> None:
    extra, heading = CASES[report]
    page = tmp_path / f"{report}.html"
    page.write_text(
        render_report(
            ReportOptions(
                name=report,
                path=EXAMPLE,
                format="html",
                audience=audience,
                as_of=date.fromisoformat(AS_OF),
                **extra,
            )
        ),
        encoding="utf-8",
    )
    url = page.resolve().as_uri()

    dom = _run(chromium, tmp_path / "profile-dom", "--dump-dom", url)
    assert dom.returncode == 0, dom.stderr[-2000:]
    title = re.search(r"<title>(.*?)</title>", dom.stdout, re.S)
    assert title and heading in title.group(1)
    h1 = re.search(r"<h1>(.*?)</h1>", dom.stdout, re.S)
    assert h1 and h1.group(1).strip() == heading
    assert "<svg" in dom.stdout or report == "meeting"

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shot = SCREENSHOTS / f"{report}-{audience}.png"
    shot.unlink(missing_ok=True)
    logged = _run(
        chromium,
        tmp_path / "profile-shot",
        "--enable-logging=stderr",
        "--v=0",
        f"--screenshot={shot}",
        "--window-size=1280,2000",
        url,
    )
    assert logged.returncode == 0, logged.stderr[-2000:]
    assert shot.is_file() and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 20_000  # a blank page compresses to far less
    problems = [
        line
        for line in logged.stderr.splitlines()
        if "Uncaught" in line or "ERROR:CONSOLE" in line or ":CONSOLE(" in line
    ]
    assert not problems, problems


# -- layout at desktop and phone widths, through the DevTools protocol -------------------

# (width, height, device pixel ratio, mobile): a desktop browser, and a phone in portrait.
SCREENS = {"desktop": (1280, 900, 1, False), "phone": (390, 844, 1, True)}

# What the page measures about itself: how wide it is laid out, against the screen.
# The elements it names are the outermost reaching past the screen's own width (screen.width: on a
# phone the browser zooms out to show a page laid out wider, so innerWidth grows with it).
MEASURE = """(() => {
  const width = screen.width;
  const wide = [];
  // Content of a box that scrolls or clips sideways (a wide table on a phone) is not the page's.
  const clipped = (el) => {
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      if (getComputedStyle(up).overflowX !== "visible") return true;
    }
    return false;
  };
  for (const el of document.querySelectorAll("body *")) {
    if (clipped(el)) continue;
    const box = el.getBoundingClientRect();
    const parent = el.parentElement.getBoundingClientRect();
    // Only the element that first reaches past the edge, not every descendant of it.
    if (box.width > 0 && box.right > width + 0.5 && parent.right <= width + 0.5) {
      const classes = typeof el.className === "string" ? el.className.trim() : "";
      const name = el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
        + (classes ? "." + classes.replace(/\\s+/g, ".") : "");
      wide.push(name + " (right edge " + Math.round(box.right) + " px)");
    }
  }
  return {
    screenWidth: width,
    innerWidth: window.innerWidth,
    scrollWidth: document.documentElement.scrollWidth,
    height: document.documentElement.scrollHeight,
    wide: wide.slice(0, 12),
  };
})()"""


class DevTools:
    """A headless Chromium driven through the DevTools protocol on a pipe (fds 3 and 4)."""

    def __init__(self, chromium: Path, profile: Path) -> None:
        to_browser_read, self._to_browser = os.pipe()
        self._from_browser, from_browser_write = os.pipe()

        # Chromium reads commands on fd 3 and writes answers on fd 4: the child's
        # descriptors are arranged by dup2 in the preexec hook, and 3 and 4 kept open
        # (descriptors not in pass_fds are closed after that hook runs).
        def arrange() -> None:
            os.dup2(to_browser_read, 3)
            os.dup2(from_browser_write, 4)

        self.process = subprocess.Popen(
            [str(chromium), *FLAGS, f"--user-data-dir={profile}", "--remote-debugging-pipe"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            pass_fds=(3, 4, to_browser_read, from_browser_write),
            preexec_fn=arrange,
        )
        os.close(to_browser_read)
        os.close(from_browser_write)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict[str, Any]] = []

    def _read_message(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            ready, _, _ = select.select([self._from_browser], [], [], max(left, 0))
            if not ready:
                raise TimeoutError("Chromium did not answer in time")
            chunk = os.read(self._from_browser, 1 << 20)
            if not chunk:
                raise ConnectionError("Chromium closed the DevTools pipe")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        decoded: dict[str, Any] = json.loads(message)
        return decoded

    def send(
        self, method: str, session: str | None = None, timeout: float = 60, **params: Any
    ) -> dict[str, Any]:
        """Send a command and return its result; events that arrive meanwhile are kept."""
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params}
        if session is not None:
            message["sessionId"] = session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            answer = self._read_message(deadline)
            if answer.get("id") != self._next_id:
                self.events.append(answer)
                continue
            if "error" in answer:
                raise RuntimeError(f"{method}: {answer['error']}")
            result: dict[str, Any] = answer.get("result", {})
            return result

    def wait_for(self, method: str, session: str, timeout: float = 60) -> dict[str, Any]:
        """The first event `method` of the session (one that came already counts)."""
        deadline = time.monotonic() + timeout
        while True:
            for index, event in enumerate(self.events):
                if event.get("method") == method and event.get("sessionId") == session:
                    return self.events.pop(index)
            self.events.append(self._read_message(deadline))

    def close(self) -> None:
        with contextlib.suppress(OSError, RuntimeError, TimeoutError, ConnectionError):
            self.send("Browser.close", timeout=10)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self._to_browser)
        os.close(self._from_browser)


@pytest.fixture(scope="module")
def devtools(chromium: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevTools]:
    browser = DevTools(chromium, tmp_path_factory.mktemp("chromium-profile"))
    try:
        yield browser
    finally:
        browser.close()


def _layout(devtools: DevTools, url: str, screen: str, shot: Path) -> dict[str, Any]:
    """Open url on the screen, take a full-page screenshot, and return MEASURE's answer.

    Console errors and uncaught exceptions are returned too, under "problems".
    """
    width, height, ratio, mobile = SCREENS[screen]
    target = devtools.send("Target.createTarget", url="about:blank")["targetId"]
    session = devtools.send("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
    try:
        for domain in ("Page", "Runtime", "Log"):
            devtools.send(f"{domain}.enable", session)
        devtools.send(
            "Emulation.setDeviceMetricsOverride",
            session,
            width=width,
            height=height,
            deviceScaleFactor=ratio,
            mobile=mobile,
            screenWidth=width,
            screenHeight=height,
        )
        devtools.send("Page.navigate", session, url=url)
        devtools.wait_for("Page.loadEventFired", session)
        measured = devtools.send(
            "Runtime.evaluate", session, expression=MEASURE, returnByValue=True
        )["result"]["value"]
        picture = devtools.send(
            "Page.captureScreenshot",
            session,
            format="png",
            captureBeyondViewport=True,
            clip={"x": 0, "y": 0, "width": width, "height": measured["height"], "scale": 1},
        )
        shot.write_bytes(base64.b64decode(picture["data"]))
        problems = [
            json.dumps(event.get("params"))[:300]
            for event in devtools.events
            if event.get("sessionId") == session
            and (
                event.get("method") == "Runtime.exceptionThrown"
                or (
                    event.get("method") == "Runtime.consoleAPICalled"
                    and event["params"].get("type") in ("error", "warning", "assert")
                )
                or (
                    event.get("method") == "Log.entryAdded"
                    and event["params"]["entry"].get("level") in ("error", "warning")
                )
            )
        ]
        measured["problems"] = problems
        return dict(measured)
    finally:
        devtools.events = [e for e in devtools.events if e.get("sessionId") != session]
        devtools.send("Target.closeTarget", targetId=target)


@pytest.mark.parametrize("screen", list(SCREENS))
@pytest.mark.parametrize("audience", ["internal", "public"])
@pytest.mark.parametrize("report", list(CASES))
def test_html_report_fits_the_screen(
    devtools: DevTools, tmp_path: Path, report: str, audience: str, screen: str
) -> None:
    extra, heading = CASES[report]
    page = tmp_path / f"{report}.html"
    page.write_text(
        render_report(
            ReportOptions(
                name=report,
                path=EXAMPLE,
                format="html",
                audience=audience,
                as_of=date.fromisoformat(AS_OF),
                **extra,
            )
        ),
        encoding="utf-8",
    )
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shot = SCREENSHOTS / f"{report}-{audience}-{screen}.png"
    shot.unlink(missing_ok=True)

    measured = _layout(devtools, page.resolve().as_uri(), screen, shot)

    width = SCREENS[screen][0]
    # A phone lays the page out at its own width only when nothing forces it wider.
    wider = f"{report} ({audience}) is wider than a {width} px screen: {measured}"
    assert measured["screenWidth"] == width, measured
    assert measured["innerWidth"] == width, wider
    assert measured["scrollWidth"] <= measured["innerWidth"], wider
    assert not measured["wide"], wider
    assert not measured["problems"], measured["problems"]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 20_000  # a blank page compresses to far less
    assert heading in page.read_text(encoding="utf-8")
