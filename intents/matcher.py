"""Match a question to the figure it asks for. Figures are grouped (same metric and subject,
any period); each group gets patterns generated from its facts (metric, aliases, subject, unit)
plus curated intent phrasings. A question's content words are scored against the groups that
share a word with it (a token index keeps this from scanning every pattern)."""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from facts.models import Fact
from facts.places import load_places, place_lists
from intents.slots import SubjectFinder
from intents.text import WORD, canonical_text, content_words, normalize, stem, stopwords, whole_words, words
from intents.vocabulary import Want, load_intents, load_vocabulary

# Unit words a question may name, and the fact unit each means.
QUESTION_UNITS: dict[str, str | tuple[str, ...]] = {
    "percent": "percent", "percentage": "percent", "%": "percent", "pct": "percent",
    "people": ("people", "passenger trips"), "persons": ("people", "passenger trips"),
    "tonnes": "tons", "tons": "tons", "tonne": "tons", "liters": "liters", "litres": "liters",
    "kwh": "kWh", "kilowatt-hours": "kWh", "kilowatt hours": "kWh", "square kilometers": "square kilometers",
    "square kilometres": "square kilometers", "sq km": "square kilometers", "square km": "square kilometers", "km2": "square kilometers",
    "hectares": "hectares", "yuan": "yuan", "rmb": "yuan", "dollars": "USD", "usd": "USD", "us$": "USD",
    "euros": "EUR", "worth": ("yuan", "USD", "EUR"),  # "what was that worth?" asks for money
}  # fmt: skip
TIME_WORDS = frozenset(
    """last this next previous prior end start first second third fourth half quarter quarters year years month
    months week weeks day days ago before after earlier later since until till during now then today latest
    current recent mid early late january february march april may june july august september october november
    december jan feb mar apr jun jul aug sep sept oct nov dec""".split()
)


UNIT_WORDS = whole_words(QUESTION_UNITS)
MEASURES = {"tons", "liters", "kWh", "square kilometers", "hectares"}
MEASURE_UNIT_WORDS = whole_words(w for w, unit in QUESTION_UNITS.items() if unit in MEASURES)
# A word denying one a figure uses: "unrecognized", "non-valid", "invalid".
NEGATED = re.compile(r"^(?:un|non-?|in)(?=[a-z]{4})")
# How much a question word said of a thing, but not in its figure's description, explains.
SAID_WEIGHT = 0.5
HOW_MANY = re.compile(r"(?<![\w-])how many(?![\w-])")
# "how many years passed between ...": a span of time, counted in the unit asked
HOW_MANY_SPANS = re.compile(r"\bhow many (?:more |full )?(years|months|weeks|days)\b")
# What a question calls the places a release lists: their own kind, or places in general.
_PLACES_IN_GENERAL = r"places?|locations?|sites?|venues?"
LISTED_UNIT_WORDS = {
    unit: re.compile(rf"\b(?:{words}|{_PLACES_IN_GENERAL})\b")
    for unit, words in {
        "cities": r"cit(?:y|ies)|towns?",
        "countries": r"countr(?:y|ies)|nations?|states",
        "provinces": r"provinces?|provincial",
        "regions": r"regions?",
    }.items()
}
PLACES_IN_GENERAL = re.compile(rf"\b(?:{_PLACES_IN_GENERAL})\b")
UNCOUNTED_KINDS = frozenset({"amount", "measure"})  # money, area, litres: "how much", not "how many"
# Words in place names that are ordinary words elsewhere ("Greater Bay Area", "Shaanxi province").
GENERIC_PLACE_WORDS = frozenset(
    """province region autonomous city municipality special administrative river basin delta greater bay
    area zhuang hui uygur uyghur republic people's united kingdom state central northeast northeastern
    east eastern south north west western country countries asian""".split()
)
# Kinds that answer only a question asking for them: "population of western China" must not get
# the population share, "how many pilot enterprises nationally" not the west's share of them.
ASKED_ONLY_KINDS: dict[str, set[str | None]] = {
    "share": {"share"},
    "growth": {"growth", "change"},
    "ordinal": {"ordinal"},
    "date": {"date"},
    "year": {"date"},
}
# Which fact kinds answer which wanted kind of answer.
KINDS_FOR_WANT: dict[str, set[str]] = {
    "count": {"count", "measure", "ratio", "amount", "listed"},
    "amount": {"amount", "measure"},
    "growth": {"growth"},
    "share": {"share"},
    "date": {"date", "year"},
    "ordinal": {"ordinal"},
    "change": {"count", "amount", "measure", "ratio"},
    "ratio": {"ratio"},
    "ranking": set(),  # the releases give figures, not rankings
}
# Question words that are misspelt ("patnets") are mapped to the nearest known word when the
# rapidfuzz ratio is at least this; 80 fixed 19 of 21 misspellings in the dev set and mapped
# no correct word elsewhere.
TYPO_CUTOFF = 80


@dataclass(slots=True)  # slots: a table of 100,000 facts has tens of thousands of groups
class Group:
    """One figure over time: the facts with the same metric and subject."""

    key: tuple[str, str]
    facts: list[Fact]
    patterns: list[list[str]]  # each a list of content words
    words: frozenset[str] = frozenset()
    metric_parts: frozenset[str] = frozenset()  # metric words, hyphenated ones split too
    own: frozenset[str] = frozenset()  # the words of its subject's name and aliases
    distinctive: frozenset[str] = frozenset()  # of those, the ones no metric uses
    varieties: frozenset[str] = frozenset()  # words making it one variety of a figure
    base: frozenset[str] = frozenset()  # and the figure's other words ("design patents")

    @property
    def metric(self) -> str:
        return self.key[0]

    @property
    def label(self) -> str:
        return f"{self.metric} — {self.subject}"

    @property
    def described(self) -> str:
        """Its metric and aliases, normalized."""
        return normalize(" ".join([self.metric, *self.facts[0].aliases]))

    @property
    def haystack(self) -> str:
        """The same, searched for places loosely: "China-EU" names "EU"."""
        return loose(self.described)

    @property
    def subject(self) -> str:
        return self.key[1]

    @property
    def kind(self) -> str:
        return self.facts[0].kind


EMPTY: frozenset[str] = frozenset()


def loose(text: str) -> str:
    """Normalized text with hyphens made spaces, the form place names are looked for in what is
    said of a thing: "China-EU" names "EU", and "China-Laos" is "China Laos". One copy, not the
    text and its unhyphenated twin (a subject's sentences are the index's largest part)."""
    return text.replace("-", " ")


def frozen(items: Iterable[str]) -> frozenset[str]:
    """A frozen set, the one shared empty set when empty (most groups' are)."""
    return frozenset(items) or EMPTY


@lru_cache(maxsize=65_536)
def metric_parts(metric: str) -> frozenset[str]:
    """A metric's words, hyphenated ones split too; one shared set per metric phrase."""
    return frozenset(part for w in content_words(metric) for part in [w, *w.split("-")])


def sorted_letters(word: str) -> str:
    """A word's letters in order: the key of its anagrams ("yaer" and "year")."""
    return "".join(sorted(word))


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
        # "yuan to dollar exchange rate": a topic no release gives figures on, found in one pass
        self.uncovered_topics = whole_words(t.lower() for t in vocabulary.uncovered_topics)
        by_key: dict[tuple[str, str], list[Fact]] = defaultdict(list)
        for fact in facts:
            by_key[(fact.metric, fact.subject)].append(fact)
        subject_aliases = {
            name: [a.lower() for a in aliases] for name, aliases in vocabulary.subjects.items()
        }
        self.subject_aliases = subject_aliases
        self._place_patterns: dict[str, re.Pattern[str]] = {}
        self._naming: dict[tuple[str, str], set[int]] = {}
        self.places = {p.name: p for p in load_places()}
        self.place_names = set(self.places)
        self.place_words = {
            w for p in self.places.values() for n in [p.name, *p.aliases] for w in content_words(n)
        } - GENERIC_PLACE_WORDS
        curated: dict[str, list[str]] = defaultdict(list)
        for intent in load_intents():
            curated[intent.metric + "|" + (intent.subject or "")].extend(intent.patterns)
        self.groups: list[Group] = []
        for key, group_facts in by_key.items():
            metric, subject = key
            group_facts.sort(key=lambda f: f.period)
            first = group_facts[0]
            subject_words = [] if subject in self.places else [subject, *subject_aliases.get(subject, [])]
            units = dict.fromkeys(f.unit for f in group_facts)
            texts = [metric, *first.aliases, *(f"{metric} {unit}" for unit in units)]
            if first.kind in ("date", "year"):
                texts.append(f"when {metric}")  # "when was it held?" asks for this figure itself
            texts += curated.get(f"{metric}|{subject}", []) + curated.get(f"{metric}|", [])
            # Place names are slots, not words, in questions; so they are not words here either.
            patterns = [[w for w in content_words(t) if w not in self.place_words] for t in texts]
            patterns = [p for p in patterns if p]
            # A thing's own name (the railway, the park) is matched as a slot when a question
            # names it; its words still count when a question uses them loosely ("the park").
            own_words = {w for s in subject_words for w in content_words(s)}
            patterns = [p for p in ([w for w in p if w not in own_words] for p in patterns) if p] or patterns
            group = Group(key, group_facts, patterns, frozenset({w for p in patterns for w in p} | own_words))
            group.own = frozen(own_words)
            self.groups.append(group)
        quotes_by_subject: dict[str, set[str]] = defaultdict(set)
        things_by_quote: dict[str, set[str]] = defaultdict(set)
        for fact in facts:
            quotes_by_subject[fact.subject].add(fact.quote)
            if fact.subject not in self.places:
                things_by_quote[fact.quote].add(fact.subject)
        # Things spoken of in one sentence are spoken of together: the "photovoltaic sheep"
        # concept shares a sentence with the park, so the park's Qinghai is the concept's too.
        # (Each takes its neighbours' own sentences, not theirs in turn: the order never matters.)
        said = {subject: frozenset(quotes) for subject, quotes in quotes_by_subject.items()}
        for things in things_by_quote.values():
            for thing in things:
                for other in things - {thing}:
                    quotes_by_subject[thing] |= said[other]
        # What is said of each subject, once per subject: joined into every one of its groups,
        # a subject with 1,000 figures would cost 1,000 copies of its sentences.
        self.subject_texts: dict[str, str] = {}
        for subject, quotes in quotes_by_subject.items():
            text = normalize(" ".join([subject, *subject_aliases.get(subject, []), *sorted(quotes)]))
            self.subject_texts[subject] = loose(text)
        # The words said of a thing (not of a place, of which nearly everything is said): a
        # question using them ("the solar farm where sheep graze") is about that thing. Not the
        # words telling its figures apart ("Chinese" of its Chinese GIs, not of its EU ones).
        figure_words: dict[str, set[str]] = defaultdict(set)
        for group in self.groups:
            figure_words[group.subject] |= group.words - group.own
        self.said_words = {
            s: frozenset(content_words(text)) - figure_words[s]
            for s, text in self.subject_texts.items()
            if s not in self.places
        }
        for group in self.groups:
            group.metric_parts = metric_parts(group.metric)
        # Words of a thing's name that at most one figure's description also uses ("agreement",
        # "park"), unlike "GI" or "patent": they show a question is about that thing.
        metric_frequency = Counter(w for g in self.groups for w in {w for p in g.patterns for w in p})
        for group in self.groups:
            group.distinctive = frozen(w for w in group.own - self.place_words if metric_frequency[w] <= 1)
        # The things each such word names; "China-ASEAN" is named by "ASEAN" too, though not by
        # "China", which has figures of its own.
        figure_places = {
            w
            for subject in {subject for _, subject in by_key}
            if subject in self.places
            for w in content_words(subject)
        }
        self.things_by_word: dict[str, set[str]] = defaultdict(set)
        for group in self.groups:
            for word in group.distinctive:
                for part in {word, *word.split("-")} - figure_places:
                    self.things_by_word[part].add(group.subject)
        self._map_place_mentions()
        self.by_subject: dict[str, list[int]] = defaultdict(list)
        for number, group in enumerate(self.groups):
            self.by_subject[group.subject].append(number)
        self.by_word: dict[str, list[int]] = defaultdict(list)
        for number, group in enumerate(self.groups):
            for word in group.words:
                self.by_word[word].append(number)
        total = len(self.groups)
        light = {w for text in vocabulary.light_words for w in content_words(text)}
        self.weight = {
            w: math.log(1 + total / len(ids)) * (LIGHT_WORD_FACTOR if w in light else 1.0)
            for w, ids in self.by_word.items()
        }
        # A word no figure uses counts as much as the rarest word: "freight", "copyrights" or
        # "Germany" in a question keeps it from matching a figure that says nothing of them.
        self.unknown_weight = max(self.weight.values(), default=1.0)
        known = set(self.by_word) | stopwords()
        names = [n for p in self.places.values() for n in [p.name, *p.aliases]]
        names += [f.subject for f in facts] + [a for aliases in subject_aliases.values() for a in aliases]
        names += [w for w in load_vocabulary().followups + load_vocabulary().back_references]
        known |= {w for name in names for w in words(normalize(name))}
        known |= TIME_WORDS  # "last year" must never become "latest year"
        for canonical, variants in vocabulary.synonyms.items():
            known |= {w for phrase in [canonical, *variants] for w in words(normalize(phrase))}
        for cues in vocabulary.wants.values():
            known |= {w for cue in cues for w in words(normalize(cue))}
        # Words asking how a figure moved ("added", "gone up") that name no figure. Not every
        # cue: "national", "per capita" or "rank" narrow what is asked and must stay.
        self.change_words = frozenset(
            w for want in ("change", "growth") for cue in vocabulary.wants[want] for w in content_words(cue)
        ) - set(self.by_word)
        self.narrowing = self._narrowing_words(vocabulary.narrowing, light)
        known |= self.narrowing  # "expired" is a word of its own, not a misspelt "exported"
        self.known_words = frozenset(known)
        self.contrasts: list[frozenset[str]] = []
        self.contrast_spellings: dict[str, str] = {}  # "european" -> "eu"
        for contrast in vocabulary.contrasts:
            members = []
            for member in contrast:
                spellings = [
                    w for m in ([member] if isinstance(member, str) else member) for w in content_words(m)
                ]
                if spellings:  # a stopword ("new") is no word to contrast
                    members.append(spellings[0])
                    self.contrast_spellings.update((w, spellings[0]) for w in spellings[1:])
            self.contrasts.append(frozenset(members))
        self.contrast_words = frozenset().union(*self.contrasts)
        # each figure's metric words per contrast they fall in, filled as figures are scored
        self._metric_contrasts: dict[tuple[str, str], tuple[tuple[frozenset[str], frozenset[str]], ...]] = {}
        self.known_by_letter: dict[str, list[str]] = defaultdict(list)
        self.known_by_letters: dict[str, list[str]] = defaultdict(list)
        for word in sorted(w for w in known if len(w) >= 3):
            self.known_by_letter[word[0]].append(word)
            self.known_by_letters[sorted_letters(word)].append(word)
        self.subject_finder = SubjectFinder(self._subject_names(facts, subject_aliases))
        self.subjects = {f.subject for f in facts}

    def _narrowing_words(self, curated: list[str], light: set[str]) -> frozenset[str]:
        """The vocabulary's narrowing words, and the words that make a figure one of three or
        more varieties the table counts ("pending", "pledged", "valid" design patents). Each
        group keeps its own variety words: a question must name them to get its figure."""

        def variety_splits(metric: list[str]) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
            # one or two words before a base of two or more: "pledged | design patents"
            return [(tuple(metric[:n]), tuple(metric[n:])) for n in range(1, min(3, len(metric) - 1))]

        metrics = {number: content_words(group.metric) for number, group in enumerate(self.groups)}
        varieties: dict[tuple[str, ...], set[tuple[str, ...]]] = defaultdict(set)
        for metric in metrics.values():
            varieties[tuple(metric)].add(())
            for prefix, base in variety_splits(metric):
                varieties[base].add(prefix)
        learned: set[str] = set()
        for number, group in enumerate(self.groups):
            group.varieties = frozen(
                {
                    w
                    for prefix, base in variety_splits(metrics[number])
                    if len(varieties[base]) >= 3
                    for w in prefix
                    if w not in light and w not in self.place_words
                }
            )
            learned |= group.varieties
            group.base = frozen(set(metrics[number]) - group.varieties - light) if group.varieties else EMPTY
        return frozenset({w for text in curated for w in words(normalize(text))} | learned)

    def narrowed(self, text: str) -> set[str]:
        """The narrowing words a question uses. A stopword ("new") narrows only right before a
        word that matters ("new trademarks", not "the new figure")."""
        tokens = [stem(w) for w in words(canonical_text(text))]
        stop = stopwords()
        found = set()
        for number, token in enumerate(tokens):
            if NEGATED.match(token) and NEGATED.sub("", token) in self.by_word:
                found.add(token)  # "unrecognized GI products", "invalid patents": not the figure's
                continue
            if token not in self.narrowing:
                continue
            following = tokens[number + 1] if number + 1 < len(tokens) else ""
            if token not in stop or (following and following not in stop and not following.isdigit()):
                found.add(token)
        return found

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

    def correct(self, text: str) -> str:
        """The text with misspelt words ("patnets", "indicaiton") replaced by the nearest word
        the index, the vocabulary or the stopwords know, before synonyms are applied."""
        # A capitalised word inside a sentence is a name ("Mars", "Lhasa"): never "corrected".
        names = {w.lower() for w in re.findall(r"(?<=[\w,;:] )[A-Z][\w'’-]+", text)}
        return WORD.sub(lambda m: self._correct_word(m, names), normalize(text))

    def unknown_name(self, text: str) -> str | None:
        """A capitalised name in a question that no release, place or vocabulary word knows."""
        # Only where a question names whose figure it wants: "does Huawei", "in Lhasa", "for Acme"
        for name in re.findall(
            r"\b(?:does|do|did|has|have|in|on|for|of|at|by|from|about)\s+(?:the\s+)?([A-Z][\w'’-]{2,})", text
        ):
            parts = [p for p in re.split(r"['’-]", name.lower()) if p]
            known = any(p in self.known_words or p in self.place_words or p in self.by_word for p in parts)
            if (
                not known
                and not re.fullmatch(r"[A-Z]\d", name)
                # a misspelt place or thing ("Guangxy") is known; a name one letter off a word is
                # still a name ("Mars" is not "marks")
                and not set(self.correct(name.lower()).split())
                & (self.place_words | set(self.things_by_word))
            ):
                return name
        return None

    def unknown_last_word(self, text: str) -> str | None:
        """An unknown word closing a normalized question where a name would stand, as a name
        in lower case: "gdp growth of narnia" (a misspelt word or place is known)."""
        last = re.search(r"\b(?:of|in|for|at|from)\s+(?:the\s+)?([a-z]{4,})\W*$", text)
        return last.group(1).title() if last and not self._known_or_corrected(last.group(1)) else None

    def _known_or_corrected(self, word: str) -> bool:
        corrected = self.correct(word)
        return (
            word in self.known_words or word in self.place_words or word in self.by_word
            or corrected != word or bool(set(corrected.split()) & (self.place_words | set(self.things_by_word)))
        )  # fmt: skip

    def _correct_word(self, match: re.Match[str], names: set[str]) -> str:
        word = match.group(0)
        if "-" in word and word not in self.known_words:  # "provincal-level": each part
            parts = [self._correct_word(re.match(r".+", part), names) for part in word.split("-")]  # type: ignore[arg-type]
            joined = "-".join(parts)
            # a phrase hyphenated into one word ("solar-panels-plus-sheep", "GI-protected") is
            # read as its words; a known compound ("hi-growth" -> "high-growth") stays one word
            split = len(parts) > 2 or all(p in self.known_words and p not in stopwords() for p in parts)
            return " ".join(parts) if split and joined not in self.known_words else joined
        if word in self.known_words or not word.isalpha():
            return word
        if word in names:
            # a name with two letters of a place swapped ("Chian", "Guangix") is that place
            places = [w for w in self.known_by_letters.get(sorted_letters(word), []) if w in self.place_words]
            return places[0] if len(places) == 1 and OSA.distance(places[0], word) == 1 else word
        if len(word) < 4:
            # "hte", "adn": a short word is corrected only to a stopword, two letters swapped
            swapped = [w for w in self.known_by_letters.get(sorted_letters(word), []) if w in stopwords()]
            return swapped[0] if len(word) == 3 and len(swapped) == 1 else word
        joined = self._split_joined(word)
        if joined:
            return joined
        # Misspellings nearly always keep their first letter; requiring it stops "freight"
        # from becoming "eight".
        choices = self.known_by_letter.get(word[0], [])
        best = process.extractOne(word, choices, scorer=fuzz.ratio, score_cutoff=TYPO_CUTOFF)
        if best and (best[0] not in self.place_words or (len(word) > 4 and OSA.distance(word, best[0]) <= 2)):
            # A word near a place is nearly always a word of its own unless it is a slip or two
            # off: "span" is not Spain, "linking" is not Liaoning; "Sichaun" is Sichuan.
            return best[0]
        # Two letters swapped ("yaer", "mnay") score only 75 but are the commonest slip of all.
        swapped = [
            w for w in self.known_by_letters.get(sorted_letters(word), []) if OSA.distance(w, word) == 1
        ]
        return swapped[0] if len(swapped) == 1 else word

    def _split_joined(self, word: str) -> str | None:
        """Two words typed without the space ("howmany", "manyprovincial"): both known, and one
        a stopword or both a figure's words, so an unknown word ("copyrights") is not split."""
        stop = stopwords()
        for cut in range(3, len(word) - 2):  # parts of three letters or more: "indirect" is no "in direct"
            left, right = word[:cut], word[cut:]
            if (
                left in self.known_words
                and (right in self.known_words or stem(right) in self.by_word)
                and (left in stop or right in stop or (left in self.by_word and stem(right) in self.by_word))
            ):
                return f"{left} {right}"
        return None

    def content(self, text: str) -> list[str]:
        """The words of a question (or part of one) to match, typos corrected."""
        return content_words(self.correct(text))

    def unit_fits(self, group: Group, text: str) -> bool:
        """A question that names a unit ('in liters', 'tonnes') only fits figures in that unit;
        one that asks how many of something, naming no unit, only fits things counted."""
        named: set[str] = {span.group(1) for span in HOW_MANY_SPANS.finditer(text)}
        for word in UNIT_WORDS.findall(text):
            units = QUESTION_UNITS[word]
            named.update([units] if isinstance(units, str) else units)
        if named:
            return any(f.unit in named for f in group.facts)
        if group.kind == "listed":
            # "in how many cities?", never "how many events?": the places listed are not the events
            return bool(LISTED_UNIT_WORDS.get(group.facts[0].unit, PLACES_IN_GENERAL).search(text))
        # "how many commercialization events?" is not the 210 million yuan signed at them
        return not (HOW_MANY.search(text) and group.kind in UNCOUNTED_KINDS)

    def _contradicts(self, group: Group, asked_parts: frozenset[str]) -> bool:
        """Whether the question uses a word its figure's metric excludes ("EU" against
        "Chinese"). `asked_parts`: its words split into contrast parts once per question, as
        "China-EU" says EU and "China-ASEAN" says ASEAN."""
        stated_by_contrast = self._metric_contrasts.get(group.key)
        if stated_by_contrast is None:
            metric = frozenset(self.contrast_parts(group.metric_parts))
            stated_by_contrast = tuple((c, metric & c) for c in self.contrasts if metric & c)
            self._metric_contrasts[group.key] = stated_by_contrast
        for contrast, stated in stated_by_contrast:
            asked = asked_parts & contrast
            if asked and not asked & stated:
                return True
        return False

    def contrast_parts(self, words: Iterable[str]) -> list[str]:
        """Words as contrasts see them, in order: hyphenated ones by their parts too, each in
        its contrast's spelling."""
        parts = (part for w in words for part in (w, *w.split("-")))
        return list(dict.fromkeys(self.contrast_spellings.get(p, p) for p in parts))

    def covers(self, group: Group, words: list[str]) -> bool:
        """Whether a group's words include every weighty word given (light words may be missing)."""
        return all(w in group.words or self.weight.get(w, self.unknown_weight) < LIGHT_WEIGHT for w in words)

    def carries(self, group: Group, words: list[str]) -> bool:
        """Whether a group can be the figure `words` describe, for another place: each word of
        a contrast in them is its word too, or another member of that contrast is ("comprehensive"
        output value for "direct"); the west's GI products are no "Chinese GIs" of a deal."""
        for word in words:
            word = self.contrast_spellings.get(word, word)
            if word not in self.contrast_words or word in group.words:
                continue
            if not any(word in contrast and (contrast - {word}) & group.words for contrast in self.contrasts):
                return False
        return True

    def place_forms(self, place: str) -> list[str]:
        """Every written form of a gazetteer place, with the vocabulary's words for it."""
        known = self.places.get(place)
        return [place, *(known.aliases if known else []), *self.subject_aliases.get(place, [])]

    def mentions(self, group: Group, place: str, named: list[str]) -> bool:
        """Whether a group is, or names, a place. A place its sentences name only as one of a
        list ("Britain and France", "Xi'an, Baotou and Urumqi") counts only when the question
        names the whole list: the figure is for all of them, not for one alone."""
        if group.subject == place:
            return True
        # its subject, metric, aliases or its subject's sentences name it: Xi'an in the exchange
        # center's name, Qinghai in the park's sentence
        pattern = self.place_pattern(place)
        if not (pattern.search(group.haystack) or pattern.search(self.subject_texts[group.subject])):
            return False
        for fact in group.facts:
            for listed in place_lists(fact.quote):
                if place in listed.names and not set(listed.names) <= set(named):
                    return False
        return True

    def place_pattern(self, place: str) -> re.Pattern[str]:
        """One regex for every written form of a place, compiled once, for `loose` texts. Whole
        words only: "China's land area" names China, "Chinese" does not."""
        pattern = self._place_patterns.get(place)
        if pattern is None:
            pattern = whole_words({loose(normalize(form)) for form in self.place_forms(place)})
            self._place_patterns[place] = pattern
        return pattern

    def _groups_naming(self, place: str, where: str) -> set[int]:
        """Groups whose `where` ("described": metric and aliases of a place's figures; "quotes":
        sentences of a place's figures; "things": anything said of a thing) name a place. Read
        from maps built with the index, so a question costs set look-ups, not a scan of groups."""
        return self._naming.get((place, where), set())

    def _map_place_mentions(self) -> None:
        """One pass of one regex over every group's texts: which places each one names."""
        forms: dict[str, str] = {}
        loose_forms: dict[str, str] = {}
        for place in self.place_names:
            for form in self.place_forms(place):
                forms.setdefault(normalize(form), place)
                loose_forms.setdefault(loose(normalize(form)), place)
        # A place's figures: "China-EU list" does not name China. A thing: as `mentions` reads it.
        scanner, loose_scanner = whole_words(forms), whole_words(loose_forms)
        for number, group in enumerate(self.groups):
            if group.subject in self.place_names:
                quotes = normalize(" ".join(dict.fromkeys(f.quote for f in group.facts)))
                texts = {"described": (group.described, scanner, forms), "quotes": (quotes, scanner, forms)}
            else:
                text = group.haystack + " " + self.subject_texts[group.subject]
                texts = {"things": (text, loose_scanner, loose_forms)}
            for where, (text, finder, named) in texts.items():
                for match in finder.finditer(text):
                    self._naming.setdefault((named[match.group(0)], where), set()).add(number)

    def names_place(self, subject: str, place: str, words: list[str]) -> bool:
        """Whether a subject's own figures are of a thing naming a place ("the EU" of the
        China-EU agreement), or one of them that the words ask for describes it ("Yellow River
        Basin provinces" of Shaanxi's); a place their sentences merely list ("Urumqi (Xinjiang)",
        "Chongqing" among the west's cities in a ranking) is not theirs."""
        numbers = self.by_subject.get(subject, ())
        return any(n in self._groups_naming(place, "things") for n in numbers) or any(
            n in self._groups_naming(place, "described") and self.groups[n].words & set(words)
            for n in numbers
        )

    def mentioned_anywhere(self, place: str) -> bool:
        """Whether any figure is of, or names, a place."""
        return place in self.subjects or bool(self._groups_naming(place, "things"))

    def eligible(self, subjects: list[str], words: set[str]) -> set[int]:
        """Groups that can answer a question naming `subjects`: their subject is one of them; or
        a place's figure whose own description names the place ("share of China's land area");
        or a figure for a list of places when the question names the whole list; or a thing (a
        railway, a park) that names a place asked about and that the question evokes."""
        numbers = {n for s in subjects for n in self.by_subject.get(s, ())}
        places = [s for s in subjects if s in self.place_names]
        for place in places:
            numbers |= self._groups_naming(place, "described")
        if len(places) >= 2:
            # "the events in Xi'an, Baotou and Urumqi": all of them, never one alone
            numbers |= set.intersection(*(self._groups_naming(p, "quotes") for p in places))
        for place in places:
            for number in self._groups_naming(place, "things"):
                group = self.groups[number]
                if group.distinctive & words and self.mentions(group, place, places):
                    numbers.add(number)
        return numbers

    def candidates(
        self, words: list[str], want: Want | None, subjects: list[str], previous: list[str] | None = None,
        asked: set[str] | None = None, narrowed: set[str] | frozenset[str] = frozenset(),
    ) -> list[Candidate]:  # fmt: skip
        """Groups scored against the question's content words, best first."""
        question = set(words)
        if not question and not subjects:
            return []  # "and at the end of September 2024?" with nothing to follow: no figure
        numbers = {n for w in question for n in self.by_word.get(w, [])}
        if subjects:
            eligible = self.eligible(subjects, question)
            numbers = numbers & eligible if question else eligible
            # "the China-EU meeting in Chengdu": that meeting, not the other one held there
            named = {
                n
                for n in numbers
                if self.groups[n].subject in subjects and self.groups[n].subject not in self.place_names
            }
            numbers = named or numbers
        if want:
            numbers = {n for n in numbers if self.groups[n].kind in KINDS_FOR_WANT[want]}
        question_weight = sum(self.weight.get(w, self.unknown_weight) for w in question)
        named_things = [s for s in subjects if s not in self.place_names]
        asked_parts = {part for w in (asked or question) | narrowed for part in [w, *w.split("-")]}
        asked_contrasts = frozenset(self.contrast_parts(asked or question))
        scored = []
        for number in numbers:
            group = self.groups[number]
            if self._contradicts(group, asked_contrasts):
                continue
            if narrowed - group.words - group.metric_parts - group.own:
                continue  # "pending invention patents" are not the valid ones...
            if group.varieties - asked_parts or (group.base and not group.base & asked_parts):
                continue  # ...and "design patents" are not only the pending ones, nor patent examiners
            if group.kind in ASKED_ONLY_KINDS and want not in ASKED_ONLY_KINDS[group.kind]:
                continue  # a share or a growth rate only answers a question that asks for one
            shared = question & group.words
            said = (question - shared) & self.said_words.get(group.subject, EMPTY)
            explained = sum(self.weight[w] for w in shared) + SAID_WEIGHT * sum(
                self.weight.get(w, self.unknown_weight) for w in said
            )
            question_coverage = explained / question_weight if question_weight else 0.0
            pattern_coverage = max(
                (
                    sum(self.weight[w] for w in set(p) & question) / sum(self.weight[w] for w in set(p))
                    for p in group.patterns
                ),
                default=0.0,
            )
            score = QUESTION_WEIGHT * question_coverage + (1 - QUESTION_WEIGHT) * pattern_coverage
            if previous:  # a follow-up leans towards the figure the conversation was about
                score += CONTEXT_BONUS * len(group.words & set(previous)) / len(set(previous))
            if not question:
                # "How big is the Talatan park?" after the slots are read: only the thing named.
                named = group.subject in named_things
                score, question_coverage = (SUBJECT_ONLY_SCORE, 1.0) if named else (0.0, 0.0)
            if group.subject in named_things or group.distinctive & question:
                # a question about a thing by name ("the China-EU meeting in Chengdu") need not
                # repeat the figure's own description ("edition")
                pattern_coverage = 1.0
            scored.append(Candidate(group, score, question_coverage, pattern_coverage))
        scored.sort(key=lambda c: (-c.score, -len(c.group.facts), c.group.label))
        return scored


# Share of the score that comes from how much of the question a figure's words explain (the
# rest: how much of its best pattern the question covers). Chosen on the dev set; see
# tests/questions and `ipfacts eval`.
QUESTION_WEIGHT = 0.6
# Qualifying words ("valid", "recognized", "annual") count this much of their weight: a
# question that leaves them out, or adds one, still means the same figure.
LIGHT_WORD_FACTOR = 0.3
# A word weighing less than this is light enough to leave out of a figure's words.
LIGHT_WEIGHT = 0.5
# Score of a figure of the thing a question names when the question says nothing else: enough
# to answer when the thing has one figure of the kind asked, a "Did you mean" when it has several.
SUBJECT_ONLY_SCORE = 0.7
# How much a follow-up's score leans towards the previous question's figure: enough to break a
# tie ("what share of the national total is that?"), not to override the new words.
CONTEXT_BONUS = 0.1
