"""Print extraction precision and recall on the release-like texts written for the tests
(tests/data/releases/*.txt with their *.expected.yaml tables), which the extractor was not
tuned on. Run: python benchmarks/extraction_quality.py [-v]"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

from facts.extract import extract_facts
from facts.quality import FIELDS, ExpectedFact, Score, score
from facts.releases import make_source, read_release

RELEASES = Path(__file__).resolve().parent.parent / "tests" / "data" / "releases"


def score_release(text_path: Path) -> Score:
    """Score one test release against its expected table."""
    body, metadata = read_release(text_path)
    source = make_source(body, metadata)
    expected_path = text_path.with_suffix(".expected.yaml")
    rows = [ExpectedFact(**row) for row in yaml.safe_load(expected_path.read_text(encoding="utf-8"))]
    return score(extract_facts(source), rows)


def main() -> None:
    verbose = "-v" in sys.argv
    total = Score()
    print(
        f"{'release':45} {'figures':>7} {'precision':>9} {'recall':>7}  "
        + " ".join(f"{n:>9}" for n in FIELDS)
    )
    for path in sorted(RELEASES.glob("*.txt")):
        result = score_release(path)
        total.add(result)
        fields = " ".join(f"{result.accuracy(n):9.0%}" for n in FIELDS)
        print(f"{path.stem:45} {result.expected:7} {result.precision:9.1%} {result.recall:7.1%}  {fields}")
        if verbose:
            for line in result.misses:
                print("    missed  ", line)
            for line in result.spurious:
                print("    spurious", line)
            for line in result.wrong:
                print("    wrong   ", line)
    fields = " ".join(f"{total.accuracy(n):9.0%}" for n in FIELDS)
    print(f"{'all':45} {total.expected:7} {total.precision:9.1%} {total.recall:7.1%}  {fields}")


if __name__ == "__main__":
    main()
