"""Servers in their own processes and `hey` (Debian's HTTP load generator) against them."""

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]

    def peak_rss_mb(self) -> float:
        """The largest resident set the process has had (Linux's VmHWM)."""
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        match = re.search(r"VmHWM:\s+(\d+) kB", status)
        return int(match.group(1)) / 1024 if match else float("nan")


@contextmanager
def serve(
    argv: list[str], env: dict[str, str], ready_path: str, log_path: Path | None = None
) -> Iterator[Server]:
    """Run a server on a free loopback port until the block ends. Its standard output and
    error go to `log_path`, kept and complete once the block has ended; else to a file of its
    own, deleted then."""
    port = free_port()
    keep = log_path is not None
    log = open(log_path or ROOT / f".benchmark-{port}.log", "wb")  # noqa: SIM115 (closed below)
    process = subprocess.Popen(
        [sys.executable, *argv, "--host", "127.0.0.1", "--port", str(port)],
        env=os.environ | env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"{argv} exited; see {log.name}")
            try:
                if httpx.get(url + ready_path, timeout=2).status_code < 500:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{argv} did not answer; see {log.name}")
            time.sleep(0.2)
        yield Server(url, process)
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
        if not keep:
            Path(log.name).unlink(missing_ok=True)


def service_argv(workers: int = 1) -> list[str]:
    return ["-m", "app", "serve", "--workers", str(workers)]


def bare_argv(workers: int = 1) -> list[str]:
    return ["-m", "uvicorn", "tests.benchmarks.bare:app", "--workers", str(workers)]


@dataclass
class Load:
    rps: float
    p50_ms: float
    p99_ms: float
    statuses: dict[int, int]

    @property
    def ok(self) -> bool:
        return set(self.statuses) <= {200, 201}


def hey_path() -> str:
    path = shutil.which("hey")
    if path is None:
        raise SystemExit("The benchmark needs `hey` (apt-get install -y hey).")
    return path


def _parse(output: str) -> Load:
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    p50 = re.search(r"50% in ([\d.]+) secs", output)
    # With too few responses hey prints no 99th percentile; the slowest one stands in.
    p99 = re.search(r"99% in ([\d.]+) secs", output) or re.search(r"Slowest:\s+([\d.]+)", output)
    statuses = {int(c): int(n) for c, n in re.findall(r"\[(\d+)\]\s+(\d+) responses", output)}
    if not (rps and p50 and p99):
        raise RuntimeError(f"hey printed no summary:\n{output[-2000:]}")
    return Load(float(rps[1]), 1000 * float(p50[1]), 1000 * float(p99[1]), statuses)


def hey_args(
    url: str,
    *,
    seconds: float,
    concurrency: int,
    rate: float | None = None,
    token: str | None = None,
    body: str | None = None,
) -> list[str]:
    args = [hey_path(), "-z", f"{seconds}s", "-c", str(concurrency)]
    if rate is not None:
        args += ["-q", str(rate / concurrency)]  # hey's rate limit is per worker
    if token is not None:
        args += ["-H", f"Authorization: Bearer {token}"]
    if body is not None:
        args += ["-m", "POST", "-T", "application/json", "-d", body]
    return [*args, url]


def hey(url: str, **kwargs: object) -> Load:
    args = hey_args(url, **kwargs)  # type: ignore[arg-type]
    done = subprocess.run(args, capture_output=True, text=True, check=True)
    return _parse(done.stdout)


@contextmanager
def background_hey(url: str, **kwargs: object) -> Iterator[list[Load]]:
    """Probe `url` until the block ends; the list then holds what hey measured."""
    process = subprocess.Popen(
        hey_args(url, seconds=3600, **kwargs),  # type: ignore[arg-type]
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    result: list[Load] = []
    try:
        yield result
    finally:
        process.send_signal(signal.SIGINT)  # hey prints its summary on interrupt
        output, _ = process.communicate(timeout=60)
        result.append(_parse(output))
