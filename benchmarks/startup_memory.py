"""Cold start and memory: time from process start to the first answer (`ipfacts ask`), the fact
table's build time per press release, and the peak memory (RSS) of `ipfacts serve` answering
through a loopback Bot API with the real table and with synthetic tables up to 100,000 facts.

Run: python benchmarks/startup_memory.py [SIZES...]   (default: 100000)"""

from __future__ import annotations

import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from scale import synthetic

from facts.ingest import ingest
from facts.releases import bundled_sources
from facts.store import build_database, load_facts, write_database
from tests.botapi_stub import BotApiStub

ROOT = Path(__file__).resolve().parent.parent
QUESTION = "how many valid invention patents does western China have?"
RUNS = 5


def ipfacts() -> str:
    found = shutil.which("ipfacts", path=str(Path(sys.executable).parent))
    if found is None:
        raise SystemExit("ipfacts is not installed beside this Python; run pip install -e . first")
    return found


def cold_start(db: Path) -> list[float]:
    """Seconds from starting `ipfacts ask` to its exit with the answer printed."""
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        done = subprocess.run([ipfacts(), "ask", "--db", str(db), QUESTION], capture_output=True, text=True)
        times.append(time.perf_counter() - started)
        assert "531,000" in done.stdout, done.stdout + done.stderr
    return times


def build_per_release(folder: Path) -> tuple[float, float]:
    """Seconds per release: building the bundled table, and ingesting the test releases."""
    started = time.perf_counter()
    build_database(folder / "build.db")
    bundled = (time.perf_counter() - started) / len(bundled_sources())
    releases = sorted((ROOT / "tests" / "data" / "releases").glob("*.txt"))
    started = time.perf_counter()
    for release in releases:
        ingest(folder / "build.db", [release])
    return bundled, (time.perf_counter() - started) / len(releases)


def serve_peak_rss(db: Path, folder: Path) -> tuple[float, float, int]:
    """Seconds to the first answer and peak RSS (MB) of `ipfacts serve` over `db`, and its facts."""
    with BotApiStub() as stub, (folder / "serve.log").open("wb") as log:
        env = stub.serve_environment(folder, db, log_level="WARNING")
        started = time.monotonic()  # the clock the stub stamps calls with
        process = subprocess.Popen([ipfacts(), "serve"], env=env, cwd=folder, stdout=log, stderr=log)
        try:
            for number in range(20):
                stub.enqueue(stub.message(QUESTION, chat_id=1000 + number))
            replies = stub.wait_for("sendMessage", count=20, timeout=300)
            first = replies[0].at - started
            status = Path(f"/proc/{process.pid}/status").read_text()
            peak_kb = int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM")))
            assert all("531,000" in r.text for r in replies)
        finally:
            process.send_signal(signal.SIGINT)
            process.wait(timeout=30)
    return first, peak_kb / 1024, len(load_facts(db)[0])


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [100_000]
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        real = folder / "real.db"
        build_database(real)
        first_build = cold_start(folder / "fresh.db")[:1]  # the first run builds the database
        ask = cold_start(real)
        bundled, ingested = build_per_release(folder)
        print(
            f"cold start, ipfacts ask (database built), {RUNS} runs: median {statistics.median(ask):.2f} s, max {max(ask):.2f} s"
        )
        print(f"cold start, ipfacts ask building the database first: {first_build[0]:.2f} s")
        print(
            f"build per release: bundled {bundled * 1000:.0f} ms, ingested test releases {ingested * 1000:.0f} ms"
        )
        print(f"{'facts':>8} {'serve first answer s':>21} {'peak RSS MB':>12}")
        real_facts, real_sources = load_facts(real)
        for size in [0, *sizes]:
            db = real if size == 0 else folder / f"synthetic-{size}.db"
            if size:
                facts, sources, _ = synthetic(size - len(real_facts))
                write_database(db, [*real_sources.values(), *sources.values()], [*real_facts, *facts])
            first, peak, count = serve_peak_rss(db, folder)
            print(f"{count:8} {first:21.2f} {peak:12.0f}")


if __name__ == "__main__":
    main()
