"""Match a question to the figure it asks for. Figures are grouped (same metric and subject,
any period); each group gets patterns generated from its facts (metric, aliases, subject, unit)
plus curated intent phrasings. A question's content words are scored against the groups that
share a word with it (a token index keeps this from scanning every pattern)."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process, utils

from facts.models import Fact
from facts.places import load_places
from intents.slots import SubjectFinder
from intents.text import content_words, normalize
from intents.vocabulary import Want, load_intents, load_vocabulary

# Which fact kinds answer which wanted kind of answer.
KINDS_FOR_WANT: dict[str, set[str]] = {
    "count": {"count", "measure", "ratio", "amount"},
    "amount": {"amount", "measure"},
    "growth": {"growth"},
    "share": {"share"},
    "date": {"date", "year"},
    "ordinal": {"ordinal"},
    "change": {"count", "amount", "measure", "ratio"},
}
# Question words that are misspelt ("patnets") are mapped to the nearest known word when the
# rapidfuzz ratio is at least this; 80 fixed 19 of 21 misspellings in the dev set and mapped
# no correct word elsewhere.
TYPO_CUTOFF = 80


@dataclass
class Group:
    """One figure over time: the facts with the same metric and subject."""

    key: tuple[str, str]
    facts: list[Fact]
    patterns: list[list[str]]  # each a list of content words
    words: set[str] = field(default_factory=set)
    label: str = ""

    @property
    def metric(self) -> str:
        return self.key[0]

    @property
    def subject(self) -> str:
        return self.key[1]

    @property
    def kind(self) -> str:
        return self.facts[0].kind

    def mentions(self, subject: str) -> bool:
        """Whether the group's own words name `subject` (Xi'an in the exchange center's name)."""
        lowered = subject.lower()
        haystack = " ".join([self.subject, self.metric, *self.facts[0].aliases]).lower()
        return lowered in haystack


@dataclass
class Candidate:
    group: Group
    score: float
    question_coverage: float
    pattern_coverage: float


class Index:
    """Groups, their patterns, word weights and the word -> groups index."""

    def __init__(self, facts: list[Fact]) -> None:
        vocabulary = load_vocabulary()
        by_key: dict[tuple[str, str], list[Fact]] = defaultdict(list)
        for fact in facts:
            by_key[(fact.metric, fact.subject)].append(fact)
        subject_aliases = {
            name: [a.lower() for a in aliases] for name, aliases in vocabulary.subjects.items()
        }
        self.places = {p.name: p for p in load_places()}
        curated: dict[str, list[str]] = defaultdict(list)
        for intent in load_intents():
            curated[intent.metric + "|" + (intent.subject or "")].extend(intent.patterns)
        self.groups: list[Group] = []
        for key, group_facts in by_key.items():
            metric, subject = key
            group_facts.sort(key=lambda f: f.period)
            first = group_facts[0]
            subject_words = [] if subject in self.places else [subject, *subject_aliases.get(subject, [])]
            texts = [metric, *first.aliases, f"{metric} {first.unit}"]
            texts += [f"{metric} {s}" for s in subject_words]
            texts += curated.get(f"{metric}|{subject}", []) + curated.get(f"{metric}|", [])
            patterns = [content_words(t) for t in texts]
            patterns = [p for p in patterns if p]
            group = Group(key, group_facts, patterns, {w for p in patterns for w in p})
            group.label = f"{metric} — {subject}"
            self.groups.append(group)
        self.by_word: dict[str, list[int]] = defaultdict(list)
        for number, group in enumerate(self.groups):
            for word in group.words:
                self.by_word[word].append(number)
        total = len(self.groups)
        self.weight = {w: math.log(1 + total / len(ids)) for w, ids in self.by_word.items()}
        self.unknown_weight = math.log(1 + total)
        self.vocabulary_words = sorted(self.by_word)
        self.subject_finder = SubjectFinder(self._subject_names(facts, subject_aliases))
        self.subjects = {f.subject for f in facts}

    def _subject_names(self, facts: list[Fact], subject_aliases: dict[str, list[str]]) -> dict[str, str]:
        names: dict[str, str] = {}
        for place in self.places.values():
            for written in [place.name, *place.aliases]:
                names[normalize(written)] = place.name
        for subject in {f.subject for f in facts}:
            names[normalize(subject)] = subject
        for subject, aliases in subject_aliases.items():
            for alias in aliases:
                names[normalize(alias)] = subject
        return names

    def correct(self, words: list[str]) -> list[str]:
        """Map misspelt words to the nearest word the index knows."""
        corrected = []
        for word in words:
            if word in self.by_word or len(word) < 4 or word.isdigit():
                corrected.append(word)
                continue
            best = process.extractOne(
                word,
                self.vocabulary_words,
                scorer=fuzz.ratio,
                processor=utils.default_process,
                score_cutoff=TYPO_CUTOFF,
            )
            corrected.append(best[0] if best else word)
        return corrected

    def candidates(self, words: list[str], want: Want | None, subjects: list[str]) -> list[Candidate]:
        """Groups scored against the question's content words, best first."""
        question = set(words)
        numbers = {n for w in question for n in self.by_word.get(w, [])}
        if not question:
            numbers = set(range(len(self.groups)))
        if subjects:
            numbers = {
                n
                for n in (numbers or range(len(self.groups)))
                if self.groups[n].subject in subjects or any(self.groups[n].mentions(s) for s in subjects)
            }
        if want:
            numbers = {n for n in numbers if self.groups[n].kind in KINDS_FOR_WANT[want]}
        question_weight = sum(self.weight.get(w, self.unknown_weight) for w in question)
        scored = []
        for number in numbers:
            group = self.groups[number]
            shared = question & group.words
            question_coverage = (
                sum(self.weight[w] for w in shared) / question_weight if question_weight else 0.0
            )
            pattern_coverage = max(
                (
                    sum(self.weight[w] for w in set(p) & question) / sum(self.weight[w] for w in set(p))
                    for p in group.patterns
                ),
                default=0.0,
            )
            score = QUESTION_WEIGHT * question_coverage + (1 - QUESTION_WEIGHT) * pattern_coverage
            if not question:
                score = 0.0
            scored.append(Candidate(group, score, question_coverage, pattern_coverage))
        scored.sort(key=lambda c: (-c.score, -len(c.group.facts), c.group.label))
        return scored


# Share of the score that comes from how much of the question a figure's words explain (the
# rest: how much of its best pattern the question covers). Chosen on the dev set; see
# tests/questions and `ipfacts eval`.
QUESTION_WEIGHT = 0.6
