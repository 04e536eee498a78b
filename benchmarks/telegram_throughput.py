"""Throughput of `ipfacts serve`: how many questions a second the real bot process answers
end to end, on one core, against the Bot API stub of the tests (real HTTP on 127.0.0.1).

200 simulated users (distinct private chats) ask N questions between them (default 2,000:
ten each, follow-ups included). All are enqueued at once, as fast as the stub takes them, and
the bot fetches them by long polling. Measured:

- answered updates a second, from the first enqueue to the last sendMessage reaching the stub;
- reply latency, from a question being enqueued to its reply reaching the stub (with every
  question queued at the start, this is mostly time spent waiting behind the others);
- the serve process's CPU time and peak RSS (VmHWM in /proc/<pid>/status).

Every reply is checked: exactly one per question, in the right chat, equal to what the
engine answers with that chat's own follow-up context. The script exits non-zero otherwise.

    python benchmarks/telegram_throughput.py [--questions 2000] [--users 200] [--cpu N]

Two settings are changed for the benchmark run only, because they exist to pace real users
on real Telegram and would measure the pacing instead of the bot:

- IPFACTS_QUESTIONS_PER_MINUTE (20 a user by default) is set above the questions per user;
- python-telegram-bot's overall flood limiter (Telegram's 30 messages a second,
  bot.flow.OVERALL_MESSAGES) is switched off by the launcher: with it the bot sends at most
  30 replies a second whatever its speed (`--flood-limit` keeps it, to see that).

The bot process is pinned to one core (`--cpu`, default the last) with os.sched_setaffinity
and this process (the stub and the simulated users) to the others. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.scale import percentile  # noqa: E402
from facts.store import build_database  # noqa: E402
from intents.engine import Engine  # noqa: E402
from tests.botapi_stub import LOAD_DIALOGUES, BotApiStub, expected_replies  # noqa: E402

TARGET_PER_SECOND = 300
WARM_UP_QUESTIONS = 50
START_SECONDS = 30.0
STOP_SECONDS = 30.0
# `python -m bot serve`, pinned to a core and with the flood limiter off when asked.
LAUNCHER = """
import os, runpy
if os.environ.get("BENCH_CPU"):
    os.sched_setaffinity(0, {int(os.environ["BENCH_CPU"])})
if os.environ.get("BENCH_NO_FLOOD_LIMIT"):
    import bot.flow
    bot.flow.OVERALL_MESSAGES = 0
runpy.run_module("bot", run_name="__main__")
"""


def questions_of(user: int, count: int) -> list[str]:
    """The `count` questions one user asks: a dialogue with follow-ups, over and over."""
    dialogue = LOAD_DIALOGUES[user % len(LOAD_DIALOGUES)]
    return [dialogue[i % len(dialogue)] for i in range(count)]


def proc_status(pid: int, field: str) -> int:
    """A `kB` figure from /proc/<pid>/status (0 where there is no /proc)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of the process so far (0 where there is no /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def pin(cpu: int | None) -> tuple[int | None, str]:
    """The core for the bot (None where affinity cannot be set); this process goes elsewhere."""
    if not hasattr(os, "sched_setaffinity"):
        return None, "not pinned (no os.sched_setaffinity here)"
    cores = sorted(os.sched_getaffinity(0))
    bot_core = cores[-1] if cpu is None else cpu
    others = set(cores) - {bot_core}
    if others:
        os.sched_setaffinity(0, others)
    return bot_core, f"core {bot_core} (stub and users on {sorted(others) or 'the same core'})"


def start_bot(stub: BotApiStub, folder: Path, db: Path, core: int | None, flood_limit: bool, per_user: int) -> subprocess.Popen[bytes]:  # fmt: skip
    env = stub.serve_environment(
        folder, db, log_level="WARNING", questions_per_minute=str(max(20, per_user * 2))
    )
    if core is not None:
        env["BENCH_CPU"] = str(core)
    if not flood_limit:
        env["BENCH_NO_FLOOD_LIMIT"] = "1"
    log = (folder / "serve.log").open("wb")
    return subprocess.Popen(
        [sys.executable, "-c", LAUNCHER, "serve"], cwd=folder, env=env, stdout=log, stderr=log
    )


def run(args: argparse.Namespace) -> int:
    core, pinning = pin(args.cpu)
    folder = Path(tempfile.mkdtemp(prefix="ipfacts-throughput-"))
    db = folder / "facts.db"
    build_database(db)
    shutil.copy(db, folder / "expected.db")
    engine = Engine.load(folder / "expected.db", record_misses=False)
    users = list(range(100_001, 100_001 + args.users))
    per_user = -(-args.questions // args.users)
    asked = {user: questions_of(user, per_user) for user in users}
    # Round-robin: everyone's first question, then everyone's second... cut at N in all.
    plan = [(user, asked[user][i]) for i in range(per_user) for user in users][: args.questions]
    counts = {user: sum(1 for u, _ in plan if u == user) for user in users}
    expected = {user: expected_replies(engine, asked[user][: counts[user]]) for user in users}

    failures: list[str] = []
    with BotApiStub() as stub:
        bot = start_bot(stub, folder, db, core, args.flood_limit, per_user)
        try:
            stub.wait_for("setMyCommands", timeout=START_SECONDS)
            # Warm-up in other chats: first connections, first answers, lazily built state.
            stub.enqueue_many(
                [stub.message(LOAD_DIALOGUES[0][0], chat_id=1 + n) for n in range(WARM_UP_QUESTIONS)]
            )
            stub.wait_until(lambda: stub.counts["sendMessage"] >= WARM_UP_QUESTIONS, args.timeout, "warm-up")
            mark, before = stub.mark(), stub.counts["sendMessage"]
            cpu_before = cpu_seconds(bot.pid)

            ids = stub.enqueue_many([stub.message(text, chat_id=user) for user, text in plan])
            started = stub.enqueued_at[ids[0]]
            stub.wait_until(
                lambda: stub.counts["sendMessage"] - before >= len(plan), args.timeout, f"{len(plan)} replies"
            )
            cpu_used = cpu_seconds(bot.pid) - cpu_before
            peak_rss_kb = proc_status(bot.pid, "VmHWM")
            if bot.poll() is not None:
                failures.append(f"the bot exited with {bot.returncode}")
        finally:
            if bot.poll() is None:
                bot.send_signal(signal.SIGTERM)
            try:
                code = bot.wait(timeout=STOP_SECONDS)
            except subprocess.TimeoutExpired:
                bot.kill()
                code = bot.wait()
        if code != 0:
            failures.append(f"serve exited with {code} after SIGTERM")

        replies = stub.sent("sendMessage", since=mark)
        finished = max(c.at for c in replies)
        by_chat: dict[int, list[float]] = {}
        for call in replies:
            by_chat.setdefault(int(call.chat_id or 0), []).append(call.at)
        enqueued: dict[int, list[float]] = {}
        for (user, _), update_id in zip(plan, ids, strict=True):
            enqueued.setdefault(user, []).append(stub.enqueued_at[update_id])
        latencies = [
            reply - asked_at
            for user in users
            for reply, asked_at in zip(by_chat.get(user, []), enqueued[user], strict=False)
        ]
        wrong_chat = sum(1 for call in replies if call.chat_id not in counts)
        lost = sum(max(0, counts[u] - len(by_chat.get(u, []))) for u in users)
        duplicates = sum(max(0, len(by_chat.get(u, [])) - counts[u]) for u in users)
        wrong = sum(
            1
            for u in users
            for got, want in zip([c.text for c in replies if c.chat_id == u], expected[u], strict=False)
            if got != want
        )
        for name, value in (("wrong chat", wrong_chat), ("lost", lost), ("duplicates", duplicates), ("wrong answers", wrong)):  # fmt: skip
            if value:
                failures.append(f"{name}: {value}")

    elapsed = finished - started
    rate = len(plan) / elapsed
    rows = [
        ("questions (users x each)", f"{len(plan)} ({args.users} x {per_user})"),
        ("answered / lost / duplicates", f"{len(replies)} / {lost} / {duplicates}"),
        ("wrong chat / wrong answer", f"{wrong_chat} / {wrong}"),
        ("elapsed, first enqueue to last reply", f"{elapsed:.2f} s"),
        ("answered updates per second", f"{rate:.0f}  (target {TARGET_PER_SECOND})"),
        (
            "reply latency p50 / p99 / max",
            " / ".join(f"{percentile(latencies, q) * 1000:.0f} ms" for q in (0.5, 0.99, 1.0)),
        ),
        ("serve CPU time (per update)", f"{cpu_used:.2f} s ({cpu_used / len(plan) * 1000:.2f} ms)"),
        ("serve peak RSS (VmHWM)", f"{peak_rss_kb / 1024:.1f} MiB"),
        ("bot process", pinning),
        ("flood limiter", "on (30 messages/s)" if args.flood_limit else "off (benchmark only)"),
    ]
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value}")
    shutil.rmtree(folder, ignore_errors=True)
    for failure in failures:
        print(f"FAILED: {failure}", file=sys.stderr)
    return 1 if failures else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--questions", type=int, default=2000, help="questions in all (default 2000)")
    parser.add_argument("--users", type=int, default=200, help="simulated users (default 200)")
    parser.add_argument("--cpu", type=int, default=None, help="core to pin the bot to (default: the last)")
    parser.add_argument("--flood-limit", action="store_true", help="keep the 30 messages/s flood limiter")
    parser.add_argument("--timeout", type=float, default=300.0, help="give up after this many seconds")
    sys.exit(run(parser.parse_args()))


if __name__ == "__main__":
    main()
