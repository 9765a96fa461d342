"""The dashboards in the background, with a browser: for tests, benchmarks and screenshots.

`Background` runs `okanalysis.dashboard.server.serve` in a child process with its own process
group, home and Jupyter folders; `launch_chromium` starts Debian's chromium through Playwright
(never a downloaded browser). The library itself never imports playwright.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path
from typing import Any

from okanalysis.dashboard.server import TOKEN_ENV, ServerSettings

#: Debian's chromium and the switches a headless run needs (no sandbox in containers, nothing
#: fetched from the internet).
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
#: A projector's screen.
VIEWPORT = {"width": 1366, "height": 768}


def launch_chromium(playwright: Any) -> Any:
    """Headless Debian chromium through Playwright (never a downloaded browser)."""
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=list(CHROMIUM_ARGS)
    )


def free_port() -> int:
    """A port nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Background:
    """`serve` in a child process with its own process group, home and Jupyter folders under
    `work`, its log in `work/server.log`; `stop` ends the whole group (kernels included)."""

    def __init__(self, s: ServerSettings, work: Path) -> None:
        import subprocess
        import sys

        self.settings = s
        self.work = Path(work)
        self.log_path = self.work / "server.log"
        home = self.work / "home"
        (self.work / "tmp").mkdir(parents=True, exist_ok=True)
        env = {
            **os.environ,
            "HOME": str(home),
            "JUPYTER_CONFIG_DIR": str(home / "jupyter-config"),
            "JUPYTER_DATA_DIR": str(home / "jupyter-data"),
            "JUPYTER_RUNTIME_DIR": str(home / "jupyter-runtime"),
            "IPYTHONDIR": str(home / "ipython"),
            "TMPDIR": str(self.work / "tmp"),
            TOKEN_ENV: s.token,
            "PYTHONUNBUFFERED": "1",
        }
        tls = f", certfile={str(s.certfile)!r}, keyfile={str(s.keyfile)!r}" if s.tls else ""
        code = (
            "from okanalysis.dashboard import server as d; d.serve(d.settings("
            f"{str(s.data)!r}, store={str(s.store)!r}, port={s.port}, lan={s.lan}, "
            f"notebooks={str(s.notebooks)!r}{tls}))"
        )
        self._log = open(self.log_path, "w", encoding="utf-8")  # closed in stop()
        self.process = subprocess.Popen(
            [sys.executable, "-c", code],
            env=env,
            cwd=self.work,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.base = f"{s.scheme}://127.0.0.1:{s.port}"

    def url(self, path: str = "", query: str = "") -> str:
        """An address on the server, with the token on a LAN server."""
        parts = [query] if query else []
        if self.settings.lan:
            parts.append(f"token={self.settings.token}")
        return f"{self.base}/{path}" + ("?" + "&".join(parts) if parts else "")

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def ready(self, name: str = "circle") -> int:
        """How many kernels have prepared the `name` dashboard (each says so in the log)."""
        return self.log().count(f"okanalysis: {name} dashboard ready")

    def wait_ready(self, name: str = "circle", count: int = 1, timeout: float = 60.0) -> None:
        """Until `count` kernels have prepared `name`; the log's tail in the error otherwise."""
        import time

        deadline = time.monotonic() + timeout
        while self.ready(name) < count:
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(
                    f"no {name} dashboard after {timeout:.0f} s:\n{self.log()[-3000:]}"
                )
            time.sleep(0.2)

    def kernels(self) -> list[int]:
        """Process ids of this server's kernels (Jupyter starts each in its own session, so
        they are outside the server's process group): those whose command line names a
        connection file in this server's temporary folder. Linux only; empty elsewhere."""
        marker = str(self.work / "tmp") + os.sep
        found = []
        for entry in Path("/proc").glob("[0-9]*/cmdline"):
            try:
                if marker in entry.read_bytes().decode("utf-8", "replace"):
                    found.append(int(entry.parent.name))
            except OSError:
                continue
        return found

    def stop(self) -> None:
        """End the server and its kernels: SIGTERM to the group (Voila then stops its
        kernels), SIGKILL to whatever is left of the group and of the kernels."""
        import contextlib
        import signal
        import subprocess

        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=20)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        for pid in self.kernels():
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        self._log.close()


# --- memory ------------------------------------------------------------------------------------
def rss(pid: int) -> int:
    """Resident memory of a process in bytes (/proc/<pid>/status VmRSS; 0 once it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        return 0
    return 0


def pss(pid: int) -> int:
    """Proportional resident memory of a process in bytes (/proc/<pid>/smaps_rollup Pss: each
    page shared by n processes counted 1/n; 0 once it is gone). Summed over processes it is
    their resident memory with the shared libraries (pandas, pyarrow...) counted once."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    except OSError:
        return 0
    return 0


def group_pids(pgid: int) -> list[int]:
    """The processes of a process group (the server and the children it started in it)."""
    found = []
    for entry in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = entry.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[2]) == pgid:  # after the command: state, ppid, pgrp
            found.append(int(entry.parent.name))
    return found


def kernel_pid(server: Background, kernel_id: str) -> int | None:
    """The process of one kernel of `server`, by the kernel id a Voila page carries (its
    command line names the connection file `kernel-<id>.json`)."""
    for pid in server.kernels():
        try:
            if f"kernel-{kernel_id}" in Path(f"/proc/{pid}/cmdline").read_bytes().decode():
                return pid
        except OSError:
            continue
    return None


def page_kernel_id(page: Any) -> str:
    """The id of the kernel serving a Voila page (from the page's Jupyter config)."""
    return page.evaluate(
        "() => JSON.parse(document.getElementById('jupyter-config-data').textContent).kernelId"
    )


def server_rss(server: Background) -> int:
    """The server and all its kernels' resident memory, summed (bytes)."""
    pids = set(group_pids(server.process.pid)) | set(server.kernels())
    return sum(rss(pid) for pid in pids)
