"""Measure quantulum3 (quantities) and dateparser (periods) on ipfacts' two press releases.

Stand-alone benchmark; nothing in ipfacts or its tests imports it. Its two extra packages
live in a separate virtualenv, never in the project's dependencies:

    python3 -m venv /tmp/parsers-venv
    /tmp/parsers-venv/bin/pip install quantulum3 dateparser
    /tmp/parsers-venv/bin/python benchmarks/compare_parsers.py [RELEASES_DIR]

RELEASES_DIR defaults to ../shared/press-releases beside the repository. quantulum3 without
its [classifier] extra warns and uses heuristics. With the extra, its bundled clf.joblib fails
to load under current scikit-learn (No module named '_loss'); retrain it with
quantulum3.classifier.train_classifier(output_path=P) and set Q3_CLF=P. On these texts the
retrained classifier gives the same output as the heuristics.
"""

import datetime as dt
import os
import re
import sys
import time
import warnings
from pathlib import Path

warnings.simplefilter("ignore")

DOC0, DOC1 = "000_499749554424b5e3.txt", "001_cc2891cde4252de8.txt"
# Base date used to resolve relative phrases ("this year", "August 26") in each document.
BASE = {DOC0: dt.datetime(2025, 8, 27), DOC1: dt.datetime(2024, 11, 15)}

# Ground truth: (exact surface in text, value in base units, unit, qualifier, category).
# Units: count, fraction, percent, CNY, USD, km2, kWh, L, year (a duration),
# date (a calendar year or day of month), ordinal.
TRUTH = {
    DOC0: [
        ("June 2025", 2025, "date", "", "year"),
        ("531,000", 531_000, "count", "", "digits"),
        ("7.006 million", 7_006_000, "count", "", "scale"),
        ("978 recognized", 978, "count", "", "digits"),
        ("2,399", 2_399, "count", "", "digits"),
        ("August 26", 26, "date", "", "day"),
        ("2,361", 2_361, "count", "", "digits"),
        ("one quarter", 0.25, "fraction", "", "fraction"),
        ("nearly 210 million yuan", 210e6, "CNY", "nearly", "scale+yuan"),
        ("18th", 18, "ordinal", "", "ordinal"),
        ("16th", 16, "ordinal", "", "ordinal"),
        ("nine provinces", 9, "count", "", "word"),
        ("four consecutive years", 4, "year", "", "word"),
        ("thousand-year-old", 1000, "year", "", "word"),
    ],
    DOC1: [
        ("two key IP types", 2, "count", "", "word"),
        ("493,000", 493_000, "count", "", "digits"),
        ("16.7 percent", 16.7, "percent", "", "percent"),
        ("10.5 percent", 10.5, "percent", "", "percent"),
        ("12 provincial", 12, "count", "", "digits"),
        ("two-thirds", 2 / 3, "fraction", "", "fraction"),
        ("over a quarter", 0.25, "fraction", "over", "fraction"),
        ("600 square kilometers", 600, "km2", "", "unit"),
        ("in 2018", 2018, "date", "", "year"),
        ("up to 80 million kilowatt-hours", 80e6, "kWh", "up to", "scale+unit"),
        ("Nearly 30 patents", 30, "count", "nearly", "digits"),
        ("over 42 million passenger trips", 42e6, "count", "over", "scale"),
        ("December 2021", 2021, "date", "", "year"),
        ("four major cities", 4, "count", "", "word"),
        ("top 100", 100, "count", "", "digits"),
        ("931 GI", 931, "count", "", "digits"),
        ("38.8 percent", 38.8, "percent", "", "percent"),
        ("429.8 billion yuan", 429.8e9, "CNY", "", "scale+yuan"),
        ("$60.36 billion", 60.36e9, "USD", "", "bracketed $"),
        ("211 GIs", 211, "count", "", "digits"),
        ("over 200 billion yuan", 200e9, "CNY", "over", "scale+yuan"),
        ("over 5 million people", 5e6, "count", "over", "scale"),
        ("36 GI products", 36, "count", "", "digits"),
        ("In 2021", 2021, "date", "", "year"),
        ("the two sides", 2, "count", "", "word"),
        ("100 Chinese GIs", 100, "count", "", "digits"),
        ("96 EU GIs", 96, "count", "", "digits"),
        ("over 40 countries", 40, "count", "over", "digits"),
        ("228,000 liters", 228_000, "L", "", "unit"),
        ("5.2 percent", 5.2, "percent", "", "percent"),
        ("5.5 percent", 5.5, "percent", "", "percent"),
    ],
}
# quantulum3 unit name -> ground-truth units it may stand for (fractions are dimensionless).
Q3_UNITS = {
    "dimensionless": {"count", "fraction"},
    "percentage": {"percent"},
    "chinese yuan": {"CNY"},
    "dollar": {"USD"},
    "square kilometre": {"km2"},
    "kilowatt hour": {"kWh"},
    "litre": {"L"},
    "year": {"year"},
}

# Period phrases: (phrase, document whose base date applies, accepted answers). An answer's
# length gives its granularity: "2024" a year, "2024-09" a month, "2024-09-30" a day.
PHRASES = [
    ("as of June 2025", DOC0, ["2025-06"]),
    ("by the end of September", DOC1, ["2024-09", "2024-09-30"]),
    ("last year", DOC1, ["2023"]),
    ("In October this year", DOC1, ["2024-10"]),
    ("December 2021", DOC1, ["2021-12"]),
    ("August 26", DOC0, ["2025-08-26"]),
    ("the first half of the year", DOC1, []),  # 2024 H1: no single datetime can say it
    ("as of the end of 2024", DOC0, ["2024", "2024-12", "2024-12-31"]),
    ("in the first three quarters", DOC1, []),  # 2024 Q1-Q3: nor this
    ("patented in 2018", DOC1, ["2018"]),
    ("In 2021", DOC1, ["2021"]),
]
# Date mentions in the texts, for the sentence-level run: (surface, accepted answers).
MENTIONS = {
    DOC0: [
        ("June 2025", ["2025-06"]),
        ("August press", ["2025-08"]),
        ("August 26", ["2025-08-26"]),
        ("last year", ["2024"]),
        ("October this year", ["2025-10"]),
        ("this year", ["2025"]),
    ],
    DOC1: [
        ("end of September", ["2024-09", "2024-09-30"]),
        ("previous year", ["2023"]),
        ("in 2018", ["2018"]),
        ("October this year", ["2024-10"]),
        ("December 2021", ["2021-12"]),
        ("In 2021", ["2021"]),
        ("last year", ["2023"]),
    ],
}
FMT = {"year": "%Y", "month": "%Y-%m", "day": "%Y-%m-%d"}


def spans(text, surface):
    pattern = r"(?<!\w)" + re.escape(surface) + r"(?!\w)"
    return [(m.start(), m.end()) for m in re.finditer(pattern, text)]


def overlaps(a, b):
    return a[0] < b[1] and b[0] < a[1]


def same(a, b):
    return abs(a - b) <= 1e-9 * max(1, abs(b))


def bench_quantulum(texts):
    from quantulum3 import classifier, parser

    clf = os.environ.get("Q3_CLF")
    t0 = time.perf_counter()
    try:
        classifier.classifier("en_US", clf)
    except ModuleNotFoundError as exc:  # the bundled clf.joblib is stale
        print(f"quantulum3 classifier unusable ({exc}); heuristics used instead")
        classifier.USE_CLF = False
    parser.parse("It cost 10 yuan.", classifier_path=clf)  # the one-off load of unit tables
    print(
        f"quantulum3 first call {time.perf_counter() - t0:.2f} s; classifier: "
        f"{classifier.USE_CLF and (clf or 'bundled')}"
    )
    total = {"truth": 0, "value": 0, "unit": 0, "qual": 0, "returned": 0, "right": 0, "spur": 0}
    for name, text in texts.items():
        t0 = time.perf_counter()
        found = parser.parse(text, classifier_path=clf)
        secs = time.perf_counter() - t0
        # every surface is unique in its text, so spans() gives one span
        gold = [(spans(text, t[0])[0], *t) for t in TRUTH[name]]
        used = set()
        print(f"\n== quantulum3 on {name}: {len(found)} quantities in {secs:.2f} s")
        for span, surface, value, unit, qual, cat in gold:
            hits = [q for q in found if overlaps(q.span, span)]
            ok_v = [q for q in hits if same(q.value, value)]
            ok_u = [q for q in ok_v if unit in Q3_UNITS.get(q.unit.name, ())]
            # quantulum3 has no qualifier field: a qualifier counts if its surface holds it.
            ok_q = qual and any(qual.lower() in q.surface.lower() for q in ok_v)
            used.update(id(q) for q in hits)
            total["truth"] += 1
            total["value"] += bool(ok_v)
            total["unit"] += bool(ok_u)
            total["qual"] += bool(ok_q)
            got = "; ".join(f"{q.surface!r}={q.value:g} {q.unit.name}" for q in hits) or "-"
            mark = "OK " if ok_u else ("val" if ok_v else "MISS")
            print(f"  {mark:4} {cat:12} {surface!r:36} -> {got}")
        for q in found:
            total["right"] += any(overlaps(q.span, g[0]) and same(q.value, g[2]) for g in gold)
            if id(q) not in used:
                total["spur"] += 1
                print(f"  SPURIOUS {q.surface!r} = {q.value:g} {q.unit.name}")
        total["returned"] += len(found)
    n, r = total["truth"], total["returned"]
    quals = sum(bool(g[3]) for t in TRUTH.values() for g in t)
    print(
        f"\nquantulum3: value recall {total['value']}/{n}, value+unit recall "
        f"{total['unit']}/{n}, qualifiers {total['qual']}/{quals}; precision "
        f"{total['right']}/{r} returned, spurious {total['spur']}/{r}"
    )


def answer_ok(date, period, answers):
    return period in FMT and date.strftime(FMT[period]) in answers


def bench_dateparser(texts):
    import dateparser
    from dateparser.date import DateDataParser
    from dateparser.search import search_dates

    def ddp(base):
        return DateDataParser(languages=["en"], settings={"RELATIVE_BASE": base})

    print("\n== dateparser on period phrases (parse | search_dates)")
    hits_p = hits_s = 0
    for phrase, doc, answers in PHRASES:
        settings = {"RELATIVE_BASE": BASE[doc]}
        parsed = dateparser.parse(phrase, languages=["en"], settings=settings)
        data = ddp(BASE[doc]).get_date_data(phrase)
        ok_p = parsed is not None and answer_ok(data.date_obj, data.period, answers)
        found = search_dates(phrase, languages=["en"], settings=settings) or []
        got_s = [(s, d, ddp(BASE[doc]).get_date_data(s).period) for s, d in found]
        ok_s = any(answer_ok(d, p, answers) for _, d, p in got_s)
        hits_p, hits_s = hits_p + ok_p, hits_s + ok_s
        shown_p = f"{parsed:%Y-%m-%d}/{data.period}" if parsed else "None"
        shown_s = ", ".join(f"{s!r}->{d:%Y-%m-%d}/{p}" for s, d, p in got_s) or "None"
        print(
            f"  {'OK ' if ok_p else 'no '}|{'OK ' if ok_s else 'no '} {phrase!r:30} "
            f"parse={shown_p:18} search={shown_s}"
        )
    n = len(PHRASES)
    print(f"dateparser phrases: parse {hits_p}/{n}, search_dates {hits_s}/{n}")

    right = wrong = false = total = 0
    for name, text in texts.items():
        base = BASE[name]
        gold = [(sp, ans) for surf, ans in MENTIONS[name] for sp in spans(text, surf)]
        sentences = [
            m for m in re.finditer(r"(?:[^.\n]|\.(?=\d))+(?:\.|\n|$)", text) if m.group().strip()
        ]  # a dot before a digit (7.006) ends no sentence
        print(f"\n== dateparser search_dates per sentence on {name} (base {base:%Y-%m-%d})")
        t0 = time.perf_counter()
        seen = set()
        for sent in sentences:
            found = search_dates(sent.group(), languages=["en"], settings={"RELATIVE_BASE": base}) or []
            pos = 0
            for s, d in found:
                start = sent.group().find(s, pos) + sent.start()
                pos = start - sent.start() + len(s)
                span = (start, start + len(s))
                period = ddp(base).get_date_data(s).period
                near = [(g, a) for g, a in gold if overlaps(span, g)]
                seen.update(g for g, _ in near)
                if s.lower() == "now":  # the publication date: neither right nor false
                    verdict = "n/a"
                elif not near:
                    false += 1
                    verdict = "FALSE"
                elif any(answer_ok(d, period, a) for _, a in near):
                    right += 1
                    verdict = "ok"
                else:
                    wrong += 1
                    verdict = "WRONG"
                print(f"  {verdict:5} {s!r:28} -> {d:%Y-%m-%d}/{period}")
        for g, _ in gold:
            if g not in seen:
                print(f"  MISSED {text[g[0] : g[1]]!r} at {g[0]}")
        print(f"  ({len(sentences)} sentences, {time.perf_counter() - t0:.2f} s)")
        whole = search_dates(text, languages=["en"], settings={"RELATIVE_BASE": base}) or []
        print(f"  whole text at once: {[s for s, _ in whole]}")
        total += sum(
            not any(o != g and o[0] <= g[0] and g[1] <= o[1] for o, _ in gold) for g, _ in gold
        )  # "this year" inside "October this year" counts once
    print(
        f"dateparser sentences: {right} right, {wrong} wrong value/granularity, "
        f"{false} false dates; {total} date mentions in the texts"
    )


def main():
    here = Path(__file__).resolve().parents[2] / "shared" / "press-releases"
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else here
    texts = {name: (folder / name).read_text(encoding="utf-8") for name in (DOC0, DOC1)}
    bench_quantulum(texts)
    bench_dateparser(texts)


if __name__ == "__main__":
    main()
