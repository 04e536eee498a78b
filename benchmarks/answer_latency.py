"""In-process answer latency on the real fact table: every question of the project's question
sets (dialogue turns with their context), asked ROUNDS times. Prints p50, p99 and max in ms.

Run: python benchmarks/answer_latency.py [ROUNDS]"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from intents.engine import Engine
from intents.evaluate import load_cases

QUESTIONS = Path(__file__).resolve().parent.parent / "tests" / "questions"


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        engine = Engine.load(Path(folder) / "facts.db", record_misses=False)
        load_ms = (time.perf_counter() - started) * 1000
        cases = [
            c
            for name in ("dev.jsonl", "holdout.jsonl", "holdout2.jsonl")
            for c in load_cases(QUESTIONS / name)
        ]
        timings = []
        for _ in range(rounds):
            for case in cases:
                context = None
                for turn in case.turns():
                    start = time.perf_counter()
                    answer = engine.answer(turn.question, context)
                    timings.append((time.perf_counter() - start) * 1000)
                    context = answer.context if answer.answered else context
    timings.sort()
    p99 = timings[int(len(timings) * 0.99) - 1]
    print(
        f"facts: {engine.stats()['facts']}, questions per round: {len(timings) // rounds}, rounds: {rounds}"
    )
    print(f"build + load: {load_ms:.0f} ms")
    print(
        f"answer latency: p50 {statistics.median(timings):.2f} ms, p99 {p99:.2f} ms, max {timings[-1]:.2f} ms"
    )


if __name__ == "__main__":
    main()
