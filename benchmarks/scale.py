"""Answer latency as the fact table grows: the real table plus synthetic facts (the real releases'
sentence shapes with other places, metrics and periods), against the baseline a user would write
first, rapidfuzz `process.extractOne` over every pattern string.

Prints latency, the baseline, and how many questions got the right figure (or a right "no such
figure") at each size, for the real questions and the synthetic ones apart, and how many got a
wrong figure: speed must not be bought with wrong answers.

Run: python benchmarks/scale.py [SIZES...]   (default: 1000 10000 100000)"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz, process, utils

from facts.models import Fact, Source
from facts.places import load_places
from facts.store import ensure_database, load_facts
from intents.engine import Engine
from intents.evaluate import load_cases, verdict

QUESTIONS = Path(__file__).resolve().parent.parent / "tests" / "questions"
# Metrics are a modifier and a base: 12 x 30 = 360 of them, times ~95 places, so the number of
# distinct figures (metric, place) keeps growing with the table up to ~34,000, each with three periods.
MODIFIERS = [
    "valid", "newly granted", "registered", "pending", "licensed", "pledged", "university-owned",
    "enterprise-owned", "foreign-related", "rural", "green technology", "digital economy",
]  # fmt: skip
BASES = [
    ("invention patents", "patents"), ("trademarks", "trademarks"), ("GI products", "geographical indications"),
    ("patent applications", "applications"), ("PCT applications", "applications"),
    ("high-tech enterprises", "enterprises"), ("pledge financing deals", "deals"),
    ("infringement cases", "cases"), ("collective trademarks", "trademarks"),
    ("technology contracts", "contracts"), ("protection centers", "centers"),
    ("utility model patents", "patents"), ("design patents", "patents"),
    ("trademark applications", "applications"), ("licensing contracts", "contracts"),
    ("service institutions", "institutions"), ("demonstration enterprises", "enterprises"),
    ("copyright registrations", "registrations"), ("agricultural products", "products"),
    ("training sessions", "sessions"), ("plant variety rights", "rights"),
    ("integrated circuit layouts", "layouts"), ("mediation cases", "cases"),
    ("patent examiners", "examiners"), ("innovation platforms", "platforms"),
    ("incubators", "incubators"), ("technology transfer offices", "offices"),
    ("brand cultivation projects", "projects"), ("certification marks", "marks"),
    ("patent navigation projects", "projects"),
]  # fmt: skip
METRICS = [(f"{modifier} {base}", unit) for modifier in MODIFIERS for base, unit in BASES]
MONTHS = ["March", "June", "September", "December"]
PERIODS_PER_FIGURE = 3
YEARS = range(2010, 2026)


@dataclass(frozen=True)
class Figure:
    metric: str
    unit: str
    place: str
    years: tuple[int, ...]


def figures(count: int, seed: int = 7) -> list[Figure]:
    """`count` facts' worth of distinct figures, spread over metrics and places at random."""
    rng = random.Random(seed)
    places = sorted({p.name for p in load_places() if p.kind in {"province", "city"}})
    pairs = [(metric, place) for metric in METRICS for place in places]
    rng.shuffle(pairs)
    needed = -(-count // PERIODS_PER_FIGURE)
    # Past ~34,000 figures a (metric, place) comes round again: it gets other years, so no year
    # of a figure is stated twice with two values.
    years: dict[tuple[tuple[str, str], str], list[int]] = defaultdict(list)
    chosen = []
    for number in range(needed):
        pair = pairs[number % len(pairs)]
        free = [y for y in YEARS if y not in years[pair]]
        picked = sorted(rng.sample(free, PERIODS_PER_FIGURE))
        years[pair] += picked
        chosen.append((pair, picked))
    return [Figure(metric, unit, place, tuple(picked)) for ((metric, unit), place), picked in chosen]


def synthetic(count: int, seed: int = 7) -> tuple[list[Fact], dict[str, Source], dict[tuple, int]]:
    """`count` facts, one sentence each, grouped into releases of 50 sentences; and the value of
    each (metric, place, year)."""
    rng = random.Random(seed)
    lines: list[tuple[str, tuple[str, str, str, str, int]]] = []
    values: dict[tuple, int] = {}
    for figure in figures(count, seed):
        for year in figure.years:
            if len(lines) == count:
                break
            month = rng.choice(MONTHS)
            value = rng.randrange(100, 900_000)
            values[(figure.metric, figure.place, year)] = value
            lines.append(
                (
                    f"As of {month} {year}, {figure.place} had {value:,} {figure.metric}.",
                    (
                        figure.metric,
                        figure.unit,
                        figure.place,
                        f"{year}-{MONTHS.index(month) * 3 + 3:02d}",
                        value,
                    ),
                )
            )
    facts: list[Fact] = []
    sources: dict[str, Source] = {}
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
    return facts, sources, values


def questions(
    rng: random.Random, real: list[tuple[str, float | None]], values: dict[tuple, int], count: int
) -> list[tuple[str, float | None]]:
    """Half the project's real questions, half synthetic: about a figure in the table (in a year
    it has, some misspelt) or one it lacks (another year or place), with the expected value."""
    places = sorted({p.name for p in load_places() if p.kind in {"province", "city"}})
    asked = rng.sample(real, min(count // 2, len(real)))
    known = sorted(values)
    while len(asked) < count:
        if known and rng.random() < 0.6:
            metric, place, year = rng.choice(known)
        else:
            (metric, _), place, year = rng.choice(METRICS), rng.choice(places), rng.choice(YEARS)
        question = f"how many {metric} did {place} have in {year}?"
        if rng.random() < 0.2:
            question = question.replace("patents", "patnets").replace("trademarks", "trademakrs")
        asked.append((question, values.get((metric, place, year))))
    return asked


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(len(ordered) * share) - 1)]


def measure(engine: Engine, asked: list[tuple[str, float | None]]) -> tuple[list[float], int, int]:
    """Latency of each question (ms), how many got the right figure or a right decline, and how
    many stated a wrong figure."""
    timings, verdicts = [], Counter()
    for question, expected in asked:
        start = time.perf_counter()
        answer = engine.answer(question)
        timings.append((time.perf_counter() - start) * 1000)
        verdicts[verdict(answer, expected, engine)] += 1
    return timings, verdicts["right"], verdicts["wrong"] + verdicts["uncited"]


def baseline(engine: Engine, asked: list[tuple[str, float | None]]) -> list[float]:
    """The first thing a user would write: extractOne over every pattern string (choices
    preprocessed once, as rapidfuzz recommends)."""
    processed = [utils.default_process(" ".join(p)) for g in engine.index.groups for p in g.patterns]
    timings = []
    for question, _ in asked:
        start = time.perf_counter()
        process.extractOne(utils.default_process(question), processed, scorer=fuzz.WRatio, processor=None)
        timings.append((time.perf_counter() - start) * 1000)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "sizes", nargs="*", type=int, default=[1000, 10_000, 100_000], help="fact table sizes"
    )
    sizes = parser.parse_args().sizes
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "facts.db"
        ensure_database(path)
        real_facts, real_sources = load_facts(path)
    # Only questions with a figure: a synthetic "Guangxi patents" makes some real declines answerable.
    real_questions = [
        (t.question, t.expected)
        for n in ("dev", "holdout")
        for c in load_cases(QUESTIONS / f"{n}.jsonl")
        if not c.dialogue
        for t in c.turns()
        if t.expected is not None
    ]
    print(
        f"{'facts':>8} {'figures':>8} {'build s':>7} {'p50 ms':>7} {'p99 ms':>7} {'base p50':>8} {'base p99':>8}"
        f" {'p99 ratio':>9} {'real right':>10} {'synth right':>10} {'wrong':>5}"
    )
    for size in [len(real_facts), *sizes]:
        facts, sources, values = synthetic(max(0, size - len(real_facts)))
        started = time.perf_counter()
        engine = Engine(None, [*real_facts, *facts], {**real_sources, **sources}, record_misses=False)
        build = time.perf_counter() - started
        asked = questions(random.Random(11), real_questions, values, 400)
        real, made_up = asked[: len(asked) // 2], asked[len(asked) // 2 :]
        timings, real_right, real_wrong = measure(engine, real)
        more_timings, made_up_right, made_up_wrong = measure(engine, made_up)
        timings += more_timings
        theirs = baseline(engine, asked)
        ours_p99, theirs_p99 = percentile(timings, 0.99), percentile(theirs, 0.99)
        print(
            f"{engine.stats()['facts']:8} {len(engine.index.groups):8} {build:7.2f} {statistics.median(timings):7.2f}"
            f" {ours_p99:7.2f} {statistics.median(theirs):8.2f} {theirs_p99:8.2f} {theirs_p99 / ours_p99:8.1f}x"
            f" {real_right / len(real):10.1%} {made_up_right / len(made_up):10.1%} {real_wrong + made_up_wrong:5}"
        )


if __name__ == "__main__":
    main()
