"""Answer latency as the fact table grows: the real table plus synthetic facts (the real releases'
sentence shapes with other places, metrics and periods), against the baseline a user would write
first, rapidfuzz `process.extractOne` over every pattern string.

Run: python benchmarks/scale.py [SIZES...]   (default: 1000 10000 100000)"""

from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from rapidfuzz import fuzz, process, utils

from facts.models import Fact, Source
from facts.places import load_places
from facts.store import ensure_database, load_facts
from intents.engine import Engine
from intents.evaluate import load_cases

QUESTIONS = Path(__file__).resolve().parent.parent / "tests" / "questions"
METRICS = [
    ("valid invention patents", "patents"), ("valid registered trademarks", "trademarks"),
    ("recognized GI products", "geographical indications"), ("patent applications", "applications"),
    ("PCT international applications", "applications"), ("high-tech enterprises", "enterprises"),
    ("patent pledge financing deals", "deals"), ("IP infringement cases", "cases"),
    ("GI collective and certification trademarks", "trademarks"), ("technology contracts", "contracts"),
    ("IP protection centers", "centers"), ("utility model patents", "patents"),
    ("design patents", "patents"), ("trademark applications", "applications"),
    ("patent transfer and licensing contracts", "contracts"), ("IP service institutions", "institutions"),
    ("national IP demonstration enterprises", "enterprises"), ("copyright registrations", "registrations"),
    ("geographical indication agricultural products", "products"), ("IP talent training sessions", "sessions"),
]  # fmt: skip
MONTHS = ["March", "June", "September", "December"]


def synthetic(count: int, seed: int = 7) -> tuple[list[Fact], dict[str, Source]]:
    """`count` facts, one sentence each, grouped into releases of 50 sentences."""
    rng = random.Random(seed)
    places = [p.name for p in load_places() if p.kind in {"province", "city"}]
    facts: list[Fact] = []
    sources: dict[str, Source] = {}
    lines: list[tuple[str, tuple[str, str, str, str, int]]] = []
    for number in range(count):
        place = places[number % len(places)]
        metric, unit = METRICS[(number // len(places)) % len(METRICS)]
        year = 2015 + (number // (len(places) * len(METRICS))) % 11
        month = MONTHS[(number // (len(places) * len(METRICS) * 11)) % 4]
        value = rng.randrange(100, 900_000)
        lines.append(
            (
                f"As of {month} {year}, {place} had {value:,} {metric}.",
                (metric, unit, place, f"{year}-{MONTHS.index(month) * 3 + 3:02d}", value),
            )
        )
    for start in range(0, len(lines), 50):
        chunk = lines[start : start + 50]
        text = "\n".join(line for line, _ in chunk) + "\n"
        source_id = f"syn{start:07d}"
        sources[source_id] = Source(
            id=source_id, title=f"Synthetic release {start}", published="2025", text=text
        )
        offset = 0
        for line, (metric, unit, place, period, value) in chunk:
            figure = f"{value:,}"
            facts.append(
                Fact(
                    id=f"{source_id}-{offset + line.index(figure)}",
                    source_id=source_id,
                    metric=metric,
                    subject=place,
                    value=value,
                    unit=unit,
                    kind="count",
                    period=period,
                    period_text=line.split(",")[0],
                    figure=figure,
                    quote=line,
                    quote_start=offset,
                    quote_end=offset + len(line),
                )
            )
            offset += len(line) + 1
    return facts, sources


def questions(rng: random.Random, real: list[str], count: int) -> list[str]:
    """Half the project's real questions, half about synthetic facts (some misspelt)."""
    places = [p.name for p in load_places() if p.kind in {"province", "city"}]
    asked = rng.sample(real, min(count // 2, len(real)))
    while len(asked) < count:
        metric, _ = rng.choice(METRICS)
        place = rng.choice(places)
        question = f"how many {metric} did {place} have in {rng.randrange(2015, 2026)}?"
        asked.append(question.replace("patents", "patnets") if rng.random() < 0.2 else question)
    return asked


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(len(ordered) * share) - 1)]


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [1000, 10_000, 100_000]
    rng = random.Random(11)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "facts.db"
        ensure_database(path)
        real_facts, real_sources = load_facts(path)
    real_questions = [
        t.question
        for n in ("dev", "holdout")
        for c in load_cases(QUESTIONS / f"{n}.jsonl")
        for t in c.turns()
    ]
    print(
        f"{'facts':>8} {'index build':>11} {'p50 ms':>7} {'p99 ms':>7} {'baseline p50':>12} {'baseline p99':>12} {'ratio p99':>9}"
    )
    for size in [len(real_facts), *sizes]:
        extra = max(0, size - len(real_facts))
        facts, sources = synthetic(extra) if extra else ([], {})
        started = time.perf_counter()
        engine = Engine(None, [*real_facts, *facts], {**real_sources, **sources}, record_misses=False)
        build = time.perf_counter() - started
        asked = questions(rng, real_questions, 400)
        timings = []
        for question in asked:
            start = time.perf_counter()
            engine.answer(question)
            timings.append((time.perf_counter() - start) * 1000)
        patterns = [" ".join(p) for g in engine.index.groups for p in g.patterns]
        processed = [utils.default_process(p) for p in patterns]
        baseline = []
        for question in asked[:100]:
            start = time.perf_counter()
            process.extractOne(utils.default_process(question), processed, scorer=fuzz.WRatio, processor=None)
            baseline.append((time.perf_counter() - start) * 1000)
        ours, theirs = percentile(timings, 0.99), percentile(baseline, 0.99)
        print(
            f"{engine.stats()['facts']:8} {build:10.2f}s {statistics.median(timings):7.2f} {ours:7.2f}"
            f" {statistics.median(baseline):12.2f} {theirs:12.2f} {theirs / ours:8.1f}x"
        )


if __name__ == "__main__":
    main()
