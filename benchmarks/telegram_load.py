"""Load test: `ipfacts serve` against a Bot API server written by others, with many users
asking at once, all on 127.0.0.1.

The server is telegram-test-api (npm), run in-process by benchmarks/telegram_load.js, which
also plays the users with the package's own client: every user asks its questions one after
another, reading each answer for a moment before the next, and all start at the same instant.
This script installs the package (npm, into ~/.cache), builds a fresh fact database, starts
the bot as a subprocess, and checks that every question got exactly one reply, that each reply
is the answer the engine gives (and states the figure the question set expects), that the bot
process stayed up, and the reply latency, measured in the server's process from the user's
message to the bot's reply.

    python benchmarks/telegram_load.py [--users 50] [--questions 10]

Not part of the test suite: it needs node and npm and takes about a minute. It exits non-zero
if a check fails.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.scale import percentile  # noqa: E402
from intents.engine import Engine  # noqa: E402
from tests.botapi_stub import expected_replies, free_port  # noqa: E402

PACKAGE = "telegram-test-api@4.2.1"
CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "ipfacts-bench"
TOKEN = "123456:load-test-token"
P99_LIMIT_SECONDS = 0.5
# How long a simulated user reads an answer before asking the next question.
THINK_SECONDS = (1.0, 3.0)
RUN_TIMEOUT_SECONDS = 300


def install_server() -> Path:
    """node_modules with telegram-test-api, installed once into the cache folder."""
    modules = CACHE / "node_modules"
    if not (modules / "telegram-test-api").is_dir():
        CACHE.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["npm", "install", "--no-save", "--no-audit", "--no-fund", "--prefix", str(CACHE), PACKAGE],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return modules


def answered_questions(engine: Engine) -> list[tuple[str, float]]:
    """Direct questions from the dev set that the engine answers with the expected figure."""
    found = []
    for line in (ROOT / "tests" / "questions" / "dev.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if row.get("category") != "direct" or row.get("expected") is None:
            continue
        answer = engine.answer(row["question"])
        if answer.answered and any(abs(f.value - row["expected"]) < 1e-6 for f in answer.facts):
            found.append((row["question"], float(row["expected"])))
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--questions", type=int, default=10, help="questions per user")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--log", type=Path, help="keep the bot's log in this file")
    parser.add_argument("--log-level", default="INFO", help="the bot's IPFACTS_LOG_LEVEL")
    options = parser.parse_args()
    if not shutil.which("node") or not shutil.which("npm"):
        print("node and npm are needed", file=sys.stderr)
        return 2
    modules = install_server()
    random.seed(options.seed)

    work = Path(tempfile.mkdtemp(prefix="ipfacts-load-"))
    try:
        db = work / "facts.db"
        engine = Engine.load(db, record_misses=False)
        pool = answered_questions(engine)
        questions = [q for q, _ in pool]
        plan = [
            random.sample(questions, min(options.questions, len(questions))) for _ in range(options.users)
        ]
        expected = {
            (user, number): reply
            for user, questions in enumerate(plan)
            for number, reply in enumerate(expected_replies(engine, questions))
        }
        port = free_port()
        plan_file = work / "plan.json"
        plan_file.write_text(
            json.dumps(
                {"port": port, "token": TOKEN, "thinkMs": [s * 1000 for s in THINK_SECONDS], "users": plan}
            )
        )
        server = subprocess.Popen(
            ["node", str(ROOT / "benchmarks" / "telegram_load.js"), str(plan_file)],
            env=os.environ | {"NODE_PATH": str(modules)},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        watchdog = threading.Timer(RUN_TIMEOUT_SECONDS, server.kill)
        watchdog.start()
        assert server.stdout is not None and server.stdin is not None
        if server.stdout.readline().strip() != "READY":
            print("telegram-test-api did not start", file=sys.stderr)
            return 1
        env = {k: v for k, v in os.environ.items() if not k.startswith("IPFACTS_")} | {
            "IPFACTS_BOT_TOKEN": TOKEN,
            "IPFACTS_API_BASE_URL": f"http://127.0.0.1:{port}/bot",
            "IPFACTS_DB": str(db),
            "IPFACTS_STATE_FILE": str(work / "state.pickle"),
            "IPFACTS_HEARTBEAT_FILE": str(work / "heartbeat"),
            "IPFACTS_LOG_LEVEL": options.log_level,
            "PYTHONPATH": str(ROOT),
        }
        log = (work / "bot.log").open("w")
        bot = subprocess.Popen(
            [sys.executable, "-m", "bot", "serve"], cwd=work, env=env, stdout=log, stderr=log
        )
        try:
            output = ""
            for line in server.stdout:  # ends at the JSON line, or at EOF if node died
                if line.startswith("["):
                    output = line
                    break
        finally:
            alive = bot.poll() is None
            bot.send_signal(signal.SIGTERM)  # while the server still answers its last getUpdates
            try:
                exit_code = bot.wait(timeout=30)
            except subprocess.TimeoutExpired:  # never leave the bot running
                bot.kill()
                exit_code = bot.wait()
            log.close()
            server.stdin.close()
            server.wait(timeout=30)
            watchdog.cancel()
        if not output:
            print("telegram-test-api ended without results", file=sys.stderr)
            return 1
        records = json.loads(output)
        if options.log:
            shutil.copy(work / "bot.log", options.log)
        return report(records, expected, plan, alive, exit_code, (work / "bot.log").read_text())
    finally:
        shutil.rmtree(work, ignore_errors=True)


def summary(values: list[float]) -> str:
    milliseconds = [v * 1000 for v in values]
    return (
        f"p50 {statistics.median(milliseconds):.0f} ms, p90 {percentile(milliseconds, 0.9):.0f} ms, "
        f"p99 {percentile(milliseconds, 0.99):.0f} ms, max {max(milliseconds):.0f} ms"
    )


def report(
    records: list[dict], expected: dict[tuple[int, int], str], plan: list[list[str]], alive: bool,
    exit_code: int, log: str,
) -> int:  # fmt: skip
    """Print the figures; 0 if every check passed."""
    counters = {"asked": 0, "exactly one reply": 0, "no reply": 0, "more than one": 0, "correct": 0}
    latencies, from_client, first_wave = [], [], []
    seen: dict[int, int] = {}
    for record in records:
        user = record["chat"] - 10000
        number = seen.get(user, 0)
        seen[user] = number + 1
        counters["asked"] += 1
        replies = record["replies"]
        if not replies:
            counters["no reply"] += 1
            continue
        counters["exactly one reply" if len(replies) == 1 else "more than one"] += 1
        if replies[0]["text"] == expected[(user, number)]:
            counters["correct"] += 1
        latencies.append((replies[0]["at"] - record["arrivedAt"]) / 1000)
        from_client.append((replies[0]["at"] - record["sentAt"]) / 1000)
        if number == 0:
            first_wave.append(latencies[-1])
    span = max((r["replies"][-1]["at"] for r in records if r["replies"]), default=0) / 1000
    problems = [line for line in log.splitlines() if " ERROR " in line or "Traceback" in line]
    users = len(plan)
    print(f"ipfacts serve against telegram-test-api: {users} users, {len(plan[0])} questions each")
    print(f"  questions asked              {counters['asked']} in {span:.1f} s")
    print(f"  exactly one reply            {counters['exactly one reply']}")
    print(f"  no reply / more than one     {counters['no reply']} / {counters['more than one']}")
    print(f"  correct replies              {counters['correct']}")
    print(f"  bot process alive            {'yes' if alive else 'NO'} (exit code after SIGTERM: {exit_code})")
    print(f"  errors in the bot's log      {len(problems)}")
    if latencies:
        print(f"  reply latency                {summary(latencies)}")
        print(f"    first questions, all {users} users at the same instant: {summary(first_wave)}")
        print(f"    counted from the client's send instead: {summary(from_client)}")
    inside = [
        line.split("; ", 1)[1].rstrip(")") for line in log.splitlines() if "stopped: every update" in line
    ]
    if inside:
        print(f"    inside the bot (handler start to reply sent): {inside[-1]}")
    for line in problems[:5]:
        print(f"    {line[:160]}")
    if not alive or exit_code:
        print("  the bot's log ends:\n    " + "\n    ".join(log.splitlines()[-15:]))
    ok = (
        counters["exactly one reply"] == counters["correct"] == counters["asked"] == sum(map(len, plan))
        and alive
        and exit_code == 0
        and not problems
        and bool(latencies)
        and percentile(latencies, 0.99) < P99_LIMIT_SECONDS
    )
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
