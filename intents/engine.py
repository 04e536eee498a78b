"""The answering engine: question (+ conversation context) -> Answer. It states a figure only
when one fact group clearly matches the question's words, subject, period and kind of answer;
otherwise it says it has no such figure and offers close things it does know."""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
import re
import sqlite3
import time
from collections import Counter
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Literal

import sqlite_utils

from facts.models import Fact, Source
from facts.numbers import find_figures
from facts.periods import find_periods, period_label
from facts.store import ensure_database, load_facts, top_misses
from intents.matcher import MEASURE_UNIT_WORDS, UNIT_WORDS, Candidate, Group, Index, metric_parts
from intents.models import Answer, Context, Suggestion
from intents.slots import (
    RATE_CUES,
    RELATIVE,
    UNRESOLVED,
    QuestionPeriod,
    Slots,
    asking_clause,
    period_matches,
    read_slots,
    wanted_kind,
)
from intents.text import MAX_QUESTION_CHARS, content_words, normalize, without_spans
from intents.vocabulary import Want, load_vocabulary

# A figure is stated only when its group scores at least this (0..1)... Swept over the three
# question sets (555 questions): 0.4 to 0.5 gave the same answers, 0.55 lost three; 0.5 is kept.
ANSWER_THRESHOLD = 0.5
# ...and explains at least this share of the question's weighted words, so an unknown word
# ("copyrights", "freight") blocks an answer instead of being ignored. Swept: at 0.35 the first
# wrong figure appeared; 0.4 and 0.45 stated none; 0.45 keeps a margin.
MIN_QUESTION_COVERAGE = 0.45
# ...and covers this much of the figure's best description, so "share of national patents" does
# not get the share of a national pilot pool of patent enterprises. Swept 0.3/0.4/0.5: 0.3 lost
# no right answer on the four question sets; 0.4 and 0.5 lost one to seven.
MIN_PATTERN_COVERAGE = 0.3
# Two groups scoring within this of each other are both offered ("Did you mean ...").
AMBIGUITY_MARGIN = 0.04
# How far the main subject's figure may trail another place's for a question naming no place
# before the other place's is taken to be meant.
PLACE_MARGIN = 0.15
MAX_SUGGESTIONS = 3
# A figure is offered as a close thing only if it explains some of the question this well.
MIN_SUGGESTION_SCORE = 0.25

# Words pointing back at the time of the figure just given.
THAT_TIME = re.compile(
    r"\b(?:at that time|at the time|back then|by then|then|that year|that date|in that period)\b"
)
# Words saying a period is when a figure was published, not the time it is for ("the August
# press conference", "according to the 2024 article").
REPORTED = re.compile(
    r"\b(?:press|presser|release|report|article|feature|briefing|announcement|piece|story|write-?up)s?\b"
)
# A release word next to a period: "the August press conference", "the press conference in August".
REPORTED_AFTER = re.compile(r"(?:\s+[\w'’]+){0,1}\s+" + REPORTED.pattern)
REPORTED_BEFORE = re.compile(REPORTED.pattern + r"(?:\s+[\w'’]+){0,2}\s+$")
# Words asking which of two figures is the larger, or by how much one passes the other ("which
# grew faster, the west or China?", "how many more Chinese GIs than EU GIs?", "beat the national
# average"). They compare only when the question names two figures; otherwise they are filler.
COMPARE = re.compile(
    r"\b(?:which|who|what)\b.*\b(?:faster|slower|higher|lower|more|fewer|less|larger|bigger|greater|smaller)\b"
    r"|\bhow (?:many|much) (?:[\w-]+ ){0,2}?(?:more|fewer|less|higher|lower)\b"
    r"|\b(?:beat|beats|beaten|beating|exceed(?:ed|s|ing)?|outpac(?:e|ed|es|ing)|outperform(?:ed|s|ing)?|outstrip(?:ped|s)?"
    r"|surpass(?:ed|es)?|ahead of|above|below|compare[ds]?|comparison|versus|vs|gap|difference)\b"
    r"|\b(?:faster|slower|more|fewer|higher|lower|larger|bigger|greater|smaller)\b.*\bthan\b"
)
# The words a question counts ("how many patents did the railway get?", "how many bottles of
# wine were exported?"), up to the verb...
COUNTING_VERB = r"(?:did|does|do|has|have|had|were|was|are|is|will|can|could)\b"
HOW_MANY_THING = re.compile(
    rf"\bhow many (?!{COUNTING_VERB})((?:[a-z][\w'-]*\s+){{1,6}}?)"
    rf"(?:{COUNTING_VERB}|[a-z]{{3,}}ed\b|built|made|got|won|took|grew|rose|sold|bought)"
)
# ...whose noun comes before a preposition ("cities in the world"), else last ("valid patents").
COUNTED_CUT = frozenset(
    {"of", "in", "on", "at", "from", "for", "with", "by", "under", "across", "along", "among", "between"}
    | {"within", "into", "over", "about", "around", "near", "to", "per", "during", "since", "through"}
    | {"the", "a", "an", "its", "their", "this", "that", "these", "those"}  # "trips the railway has"
)
# Words counting anything people do (jobs, trips, residents): no one figure's own word.
GENERIC_COUNTED = frozenset({"people", "ppl", "person", "individual", "time"})
# A figure with a part taken out ("trademarks excluding GI trademarks"), not at the start of a
# question, where it only sets another figure aside ("Besides patents, how many trademarks?").
EXCLUDING = re.compile(
    r"\b(?:excluding|exclude|except(?: for)?|other than|besides|apart from|aside from|not counting|not including)\b"
)
# A ranking's cut-off ("WIPO's top 100", "the top-10").
TOP_N = re.compile(r"\btop[- ]?(\d+)\b")
# The country as a whole, as the place gazetteer names it.
NATION = "China"
# Two kinds counted as one figure ("GI collective and certification trademarks"): a question
# naming one kind alone asks for a part the releases do not give.
JOINED_PAIR = re.compile(r"\b([a-z][\w-]*) and ([a-z][\w-]*) [a-z][\w-]*s$")
# A whole that a place's figure is a part of ("on the first China-EU GI list", "in WIPO's top 100").
PART_OF_WHOLE = re.compile(r"\b(?:in|on) (?:the|[\w-]+'s) ")
# A question asking for that whole ("in total", "the whole list", "how many does the ranking cover?").
WHOLE = re.compile(
    r"\b(?:in total|overall|altogether|all told|in all|total|whole|entire)\b"
    r"|\b(?:list|ranking|catalogue|index)\b.*\b(?:cover|covers|include|includes|contain|contains|span|spans)\b"
)
# A change asked for in things, not as a rate ("in absolute terms", "by how many patents").
ABSOLUTE = re.compile(r"\babsolute\b|\bby how many (?!percent|percentage|pct|points)[a-z]+")
# A currency asked for by its canonical word, and the unit its figures are stored in.
CURRENCIES = {"usd": "USD", "yuan": "yuan", "euro": "EUR"}
# A difference asked for in percent ("how big is the gap in percent?"), which counts never give.
PERCENT_ASKED = re.compile(r"\bin (?:percent|per cent|percentage|%)|\bpercentage points?\b")
# "How big is the gap?": the size of a difference, not of a thing.
HOW_BIG = re.compile(r"\bhow (?:big|large|wide)\b")
# Two figures named side by side ("GI products and GI trademarks"), or two members of a contrast
# ("Chinese and EU GIs").
AND_SPLIT = re.compile(r"\s(?:and|&)\s")
JOINED_MEMBERS = re.compile(r"\b([a-z]+) (?:and|&) ([a-z]+)\b")
# A question that adds figures up ("GI products and GI trademarks combined").
SUMMED = re.compile(r"\b(?:combined|sum|plus|together|altogether|add(?:ed)? up|in all|in total)\b")
# ...and a follow-up adding the figures the conversation has named ("and both together?"); not
# "and in total?", which asks for one figure's total.
BOTH = re.compile(r"\b(?:both|combined|sum|plus|together|add(?:ed)? up)\b")
# A period a change happens within ("added in 2024"), unless it is where the change starts
# ("more than in 2024", "up from 2024").
WITHIN = re.compile(r"(?:in|during|within|throughout)\b")
YEAR_TO = re.compile(r"\bthe (?:year|12 months|twelve months) (?:to|up to|through|until|ending|ended)\s+$")
FROM_POINT = re.compile(r"\b(?:than|since|from|compared (?:to|with)|over|vs|versus|after|against)\s*$")
# A period that bounds a running total rather than the time it counts ("by 2024", "as of 2024").
UP_TO = re.compile(r"(?:by|as of|as at|up to|until|till|through)\b")
# A figure asked for each year ("trips per year", "annually", "in its first year").
PER_YEAR = re.compile(  # not the newspaper ("a China Daily-style feature")
    r"(?<![\w-])(?:per (?:year|annum|yr|month|week|day)|annually|annual|each (?:year|month|week|day)"
    r"|a (?:year|month|week|day)(?! ago| earlier| before)|every (?:year|month|week|day)"
    r"|yearly|monthly|weekly|(?<!china )daily|quarterly|first year)(?![\w-])"
)
# A year, a half or quarters: a span a change can fall within ("added in the first half of 2025").
SPAN = re.compile(r"\d{4}(?:-H[12]|-Q[1-4](?:-Q[1-4])?)?")
# A figure counted from a start ("42 million trips since its operation in December 2021").
RUNNING_TOTAL = re.compile(r"\bsince\b")
# A period that starts a running total ("since it opened in December 2021", "since 2021").
SINCE = re.compile(r"\bsince\b(?:\s+[\w']+){0,4}\s*$")
# A question that speaks of growth rates.
GROWTH_WORDS = re.compile(r"\b(?:growth|grew|grow|grows|growing|faster|slower|yoy|year[- ]on[- ]year)\b")
# A growth rate named as the thing that changes ("how much did the year-on-year growth rate change?").
RATE_NAMED = re.compile(
    r"\b(?:growth rate|rate of growth|(?:year[- ]on[- ]year|yoy) (?:growth )?rate|growth percentage)\b"
)
# An edition a question names ("the 17th meeting").
ORDINAL = re.compile(r"\b(\d{1,3})(?:st|nd|rd|th)\b")
# A release described by a figure it gives ("the report where patents reached 493,000").
SOURCE_CLAUSE = re.compile(
    r"\b(?:report|article|release|piece|story|feature|source|one)s?\s+(?P<clause>(?:where|with|that|which|giving"
    r"|saying|showing|putting|citing|in which)\b[^,;?]*)$",
    re.IGNORECASE,
)
# Where a comparison's two sides meet: "X than Y", "X or Y", "X versus Y", "between X and Y".
SIDES_SPLIT = re.compile(
    r"\b(?P<cut>than|or|versus|vs|compared (?:to|with))\b|\bbetween\b.+?\b(?P<cut2>and)\b"
)
# A figure a question quotes ("from the 493,000 figure", "at 38.8 percent") tells when, not what:
# only figures written as statistics (thousands, decimals, percent, five digits), not "top 100" or a year.
QUOTED_STATISTIC = re.compile(r"\d,\d{3}|\d\.\d|percent|%|\d{5}")
# ...or any figure of theirs named as a known number of things ("of the 978 GI products").
THE_FIGURE = re.compile(r"\b(?:the|those|these)\s+$", re.IGNORECASE)
# Kinds whose figure is a rate or share of a count.
DERIVED_KINDS = frozenset({"growth", "share"})
# Kinds whose figure is a date: their period is the figure itself.
DATE_KINDS = frozenset({"date", "year"})
# A question naming a period leans towards figures that have it ("patents 2024": the patent
# count at the end of September 2024, not the year a concept was patented).
PERIOD_MATCH_BONUS = 0.1
# Follow-up context older than this is forgotten (a new conversation, not a follow-up).
CONTEXT_TTL_SECONDS = 30 * 60


class Engine:
    """Answers questions from the fact table at `db_path`."""

    def __init__(
        self, db_path: Path | None, facts: list[Fact], sources: dict[str, Source],
        today: Callable[[], dt.date] = dt.date.today, record_misses: bool = True,
    ) -> None:  # fmt: skip
        self.db_path = db_path
        self.today = today
        self.record_misses = record_misses and db_path is not None
        self._load(facts, sources)

    @classmethod
    def load(cls, db_path: Path, **options: object) -> Engine:
        """An engine over the database at `db_path`, built first if missing or stale."""
        ensure_database(db_path)
        facts, sources = load_facts(db_path)
        return cls(db_path, facts, sources, **options)  # type: ignore[arg-type]

    def _load(self, facts: list[Fact], sources: dict[str, Source]) -> None:
        self._facts = {f.id: f for f in facts}
        self._sources = sources
        self.index = Index(facts)
        self._group_of = {f.id: g for g in self.index.groups for f in g.facts}
        self._group_by_key = {g.key: g for g in self.index.groups}
        # the one period each figure's value is stated for (None: several), for quoted figures;
        # a string per value, not a set, as a table of 100,000 facts has nearly as many values
        self._period_of_value: dict[float, str | None] = {}
        for fact in facts:
            if fact.kind not in DATE_KINDS:
                known = self._period_of_value.get(fact.value, fact.period)
                self._period_of_value[fact.value] = fact.period if known == fact.period else None
        counts = Counter(f.subject for f in facts)
        self.main_subject = counts.most_common(1)[0][0] if counts else ""
        # each release's title pattern, looked up by its own words: a question is searched only
        # for the titles whose own words it uses
        self._title_patterns: dict[str, re.Pattern[str]] = {}
        self._titles_by_word: dict[str, list[str]] = {}
        for source_id, source in sources.items():
            pattern, own = self._title_pattern(source.title)
            if pattern is not None:
                self._title_patterns[source_id] = pattern
                for word in own:
                    self._titles_by_word.setdefault(word, []).append(source_id)

    def _title_pattern(self, title: str) -> tuple[re.Pattern[str] | None, set[str]]:
        """The runs of a release's title a question may quote to name it ("the 'IP Takes Lead'
        article"): up to eight of its words holding two of its own. Its own words are in no
        figure's description and name no place, so "western China's innovation", or a title of
        common words ("CNIPA's August press conference"), names no release."""
        tokens = re.findall(r"[\w']+", normalize(title))
        own = [
            len(t) >= 4 and not t.isdigit() and not REPORTED.fullmatch(t)
            and not any(w in self.index.by_word or w in self.index.place_words for w in content_words(t))
            for t in tokens
        ]  # fmt: skip
        runs = [  # at most eight words: a long title must not make a regex of hundreds of runs
            tokens[i:j]
            for i in range(len(tokens))
            for j in range(i + 2, min(len(tokens), i + 8) + 1)
            if sum(own[i:j]) >= 2
        ]
        if not runs:
            return None, set()
        # "China's" is also written "China" or "Chinas"; any apostrophe may be curly or left out
        apostrophes = {"'s": "(?:['’]?s)?", "'": "['’]?"}
        word = lambda t: "".join(apostrophes.get(p, re.escape(p)) for p in re.split(r"('s\b|')", t))  # noqa: E731
        alternatives = sorted((r"[\s'’\"‘“”-]+".join(map(word, run)) for run in runs), key=len, reverse=True)
        pattern = re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)", re.IGNORECASE)
        return pattern, {t for t, is_own in zip(tokens, own, strict=True) if is_own}

    def _named_source(self, question: str) -> tuple[str, str | None]:
        """The question without a release's title it quotes, and that release's id."""
        used = [w.strip("'") for w in re.findall(r"[\w']+", normalize(question))]
        for source_id in dict.fromkeys(s for w in used for s in self._titles_by_word.get(w, ())):
            match = self._title_patterns[source_id].search(question)
            if match:
                return without_spans(question, [match.span()]), source_id
        return question, None

    def reload(self) -> int:
        """Re-read the database (after an ingest); returns the number of facts."""
        if self.db_path is None:
            return len(self._facts)
        ensure_database(self.db_path)
        self._load(*load_facts(self.db_path))
        return len(self._facts)

    # --- lookups the bot and CLI use -------------------------------------------------------

    def sources(self) -> list[Source]:
        return sorted(self._sources.values(), key=lambda s: s.published)

    def source(self, source_id: str) -> Source | None:
        return self._sources.get(source_id)

    def fact(self, fact_id: str) -> Fact | None:
        return self._facts.get(fact_id)

    def history(self, fact_id: str) -> list[Fact]:
        """Every period of the figure `fact_id` belongs to, oldest first."""
        group = self._group_of.get(fact_id)
        return list(group.facts) if group else []

    def facts_about(self, topic: str | None = None) -> list[Fact]:
        """Facts whose metric, subject or aliases mention the topic's words (all if none)."""
        facts = list(self._facts.values())
        if not topic or not topic.strip():
            return facts
        wanted = set(self.index.content(topic))
        subjects = [name for _, _, name in self.index.subject_finder.find(normalize(topic))]
        matches = []
        for fact in facts:
            group = self._group_of[fact.id]
            if fact.subject in subjects or (
                wanted and wanted <= group.words | set(content_words(fact.subject))
            ):
                matches.append(fact)
        return matches

    def facts_per_source(self) -> Counter[str]:
        """How many facts each release gave, by source id."""
        return Counter(fact.source_id for fact in self._facts.values())

    def stats(self) -> dict[str, int]:
        return {"facts": len(self._facts), "sources": len(self._sources), "figures": len(self.index.groups)}

    def misses(self, limit: int = 20) -> list[tuple[str, int]]:
        """The most frequent unanswered questions."""
        return [] if self.db_path is None else top_misses(self.db_path, limit)

    # --- answering ------------------------------------------------------------------------

    def answer(self, question: str, context: Context | None = None, record_miss: bool = True) -> Answer:
        """The reply to one question; `context` is what the conversation said before.
        `record_miss=False` for half-typed questions (inline queries, keystroke by keystroke)."""
        if context is not None and time.time() - context.updated > CONTEXT_TTL_SECONDS:
            context = None  # a conversation left this long is over: nothing of it is carried
        result = self._answer(question[:MAX_QUESTION_CHARS], context)
        if result.kind in {"figure", "unknown", "clarify"}:
            result = self._asked_after_story(question[:MAX_QUESTION_CHARS], context, result)
        if record_miss and not result.answered and result.kind in {"unknown", "clarify"}:
            self._record_miss(result)
        if (
            result.answered
            and context
            and context.fact_ids
            and not set(context.fact_ids) & set(result.context.fact_ids)
        ):
            result.context.earlier_fact_ids = context.fact_ids
        result.score = round(result.score, 3)
        if result.context.metric is None and context is not None:
            # a reply without a figure keeps the conversation where it was: callers can always
            # carry `result.context` to the next question
            result.context = context
        elif result.context.metric:
            group = self._group_by_key.get((result.context.metric, result.context.subject or ""))
            if group and group.kind in DERIVED_KINDS:
                same = context is not None and context.subject == group.subject
                result.context.counted = context.counted if same else None  # type: ignore[union-attr]
            elif group:
                result.context.counted = group.metric
        return result

    def _asked_after_story(self, question: str, context: Context | None, whole: Answer) -> Answer:
        """A long question read by the clause that asks, with the things and periods its story
        names: where the whole question found no figure, its story may have drowned what it asks
        ("I'm drafting a note for our delegation in Vientiane and the railway is called
        patent-rich. How many patents were obtained while it was built?"); where it found a
        place's figure, the clause may ask about another place ("The west's firms are a quarter
        of the pool - so how many are in it nationally?"). A name or topic the releases do not
        know anywhere in it still declines."""
        text = normalize(question)
        split = asking_clause(text)
        if split is None or self.index.unknown_name(question) or self.index.uncovered_topics.search(text):
            return whole
        clause, story = split
        asked = read_slots(self.index.correct(clause), self.today(), self.index.subject_finder)
        asked_places = [s for s in asked.subjects if s in self.index.place_names]
        other_place = False
        if whole.answered:
            subjects = {f.subject for f in whole.facts}
            other_place = (
                bool(asked_places) and not subjects & set(asked_places) and subjects <= self.index.place_names
            )
        told = read_slots(self.index.correct(story), self.today(), self.index.subject_finder)
        refers_back = _refers_back(clause)
        clause_words = set(content_words(asked.text))

        def asked_of(thing: str) -> bool:  # "the railway ... how many patents were obtained?"
            return any(
                self.index.groups[n].words & clause_words for n in self.index.by_subject.get(thing, ())
            )

        # the things the clause asks about, named by it or by the story (not "a delegation to
        # Xi'an, which hosts the exchange center. How many GI products?")
        things = [
            s for s in [*told.subjects, *asked.subjects]
            if s in self.index.subjects and s not in self.index.place_names
            and (s in asked.subjects or refers_back or asked_of(s))
        ]  # fmt: skip

        # the story's places carry when the clause names none ("reading about Guangxi ... what
        # output value do those GIs give?"), its things where the clause points back at them
        # ("while it was built") or asks what one of their figures tells; a place with no
        # figures is where a thing named is ("a delegation in Vientiane ... the railway"), or,
        # with no thing named, the place asked about ("on Yunnan. How many GIs?")
        carried = [
            s for s in told.subjects
            if s not in asked.subjects
            and (
                (s in self.index.place_names and not asked_places)
                or (s not in self.index.place_names and (refers_back or asked_of(s)))
            )
            and (s in self.index.subjects or not things)
        ]  # fmt: skip
        periods = [] if asked.periods else [p.text for p in told.periods]
        retried = self._answer(" ".join([clause.rstrip(" ?.!"), *carried, *periods]) + "?", context)
        if not (retried.answered or whole.answered):
            return whole  # the whole question's reasons for no figure are its own
        quotes = normalize(" ".join(f.quote for f in retried.facts))
        if not whole.answered and not all(
            p in self.index.subjects or any(normalize(form) in quotes for form in self.index.place_forms(p))
            for p in asked_places
        ):
            # "... How many patents were obtained in Laos?": a place the clause asks about that
            # the figure's own sentence does not name (as it names the UK for the wine's buyers)
            return whole
        if (
            whole.answered
            and not other_place
            and (not retried.answered or {f.id for f in retried.facts} == {f.id for f in whole.facts})
        ):
            return whole
        retried.question = question
        return retried

    def answer_fact(self, fact_id: str, context: Context | None = None) -> Answer:
        """The reply for a figure chosen directly (a "Did you mean" button)."""
        fact = self._facts.get(fact_id)
        if fact is None:
            return Answer(
                question=fact_id,
                answered=False,
                kind="unknown",
                message="That figure is no longer in the table.",
            )
        group = self._group_of[fact_id]
        return self._state(fact.metric, group, [fact], context_want=None, asked_period=fact.period, score=1.0)

    def _answer(self, question: str, context: Context | None) -> Answer:
        text = normalize(question)
        if not re.search(r"[a-z0-9\u4e00-\u9fff]", text):
            return Answer(question=question, answered=False, kind="smalltalk", message="empty")
        if _is_smalltalk(text):
            return Answer(question=question, answered=False, kind="smalltalk", message="help")
        slots, words, previous, context = self.understand(question, context)
        # a title is no name: "the Innovation Surge article" names a release, not a stranger
        stranger = self.index.unknown_name(self._named_source(question)[0] if slots.source_id else question)
        stranger = stranger or self.index.unknown_last_word(slots.text)
        if stranger:
            # "How many invention patents does Huawei hold?": a name the releases never mention
            return self._no_figure(question, words, slots, f"I have no figures for {stranger}.")
        topic = self.index.uncovered_topics.search(slots.text)
        if topic:
            return self._no_figure(
                question, words, slots, f"The press releases I know give no figures on {topic[0]}."
            )
        left_out = EXCLUDING.search(slots.text)
        if left_out and slots.text[: left_out.start()].strip():
            # "trademarks excluding GI trademarks": the releases give no remainders
            message = (
                f'The releases give no figure with a part taken out ("{left_out.group(0)} ..."); '
                "ask for each figure and I will give it as cited."
            )
            return self._no_figure(question, words, slots, message)
        about_two = self._about_last_two(question, slots, words, previous, context)
        if about_two:
            return about_two
        if previous and context and words and set(words) <= set(CURRENCIES):
            # "and in US dollars?" after the 210 million yuan signed: that figure so, or none
            group = self._group_by_key.get((context.metric or "", context.subject or ""))
            units = {CURRENCIES[w] for w in words}
            if group and not any(f.unit in units for f in group.facts):
                message = f"The releases give {group.metric} ({group.subject}) in {group.facts[0].unit} only; ipfacts does not convert it."
                return self._not_this(question, slots, Candidate(group, 1.0, 1.0, 1.0), message)
        named_places = [s for s in slots.subjects if s in self.index.place_names]
        unknown = [p for p in named_places if p not in self.index.subjects and not self._mentioned(p)]
        if unknown and len(unknown) == len(named_places):
            return self._declined_for_place(question, words, slots, f"I have no figures for {unknown[0]}.")
        want = slots.want
        if COMPARE.search(slots.text):
            compared = self._compare(question, slots, words)
            if compared:
                return compared
            if len(slots.subjects) >= 2 and self._sides(slots, words) and not slots.periods:
                # "did the west's patents grow faster than the national average?": two sides
                # named, one of which the releases give no figure for; not the other one alone
                message = "I have no figure for one side of that comparison, so I cannot compare them."
                return self._no_figure(question, words, slots, message)
        candidates = self._candidates(words, want, slots, previous)
        if slots.want_inherited and want not in DERIVED_KINDS and not self._confident(candidates):
            # "output value?" then "and jobs?": the new figure need not be an amount too
            want = slots.want = wanted_kind(slots.text, len(slots.periods))
            candidates = self._candidates(words, want, slots, previous)
        if previous and not self._confident(candidates):
            # "how fast did that grow?": the new words with the figure the conversation is about,
            # as long as the figure covers every new word ("how many sheep?" stays unanswered)
            merged = self._candidates(list(dict.fromkeys([*words, *previous])), want, slots, previous)
            candidates = [c for c in merged if self.index.covers(c.group, words)]
        if (
            previous and words == previous and slots.want and not slots.want_inherited
            and context and context.subject in slots.subjects and context.subject not in self.index.place_names
            and not self._confident(candidates)
        ):  # fmt: skip
            # "What year was it held?" after the meeting's edition: another kind of figure of the
            # same thing, found by the thing alone (one such figure answers; several are offered)
            candidates = self._candidates([], want, slots, previous)
        if (
            want == "growth"
            and re.search(
                r"\bhow (?:much|many)\b|\bwhat(?:'?s| is| was) the (?:increase|rise|gain|jump)\b", slots.text
            )
            and not RATE_CUES.search(slots.text)
        ):
            # "how much did it grow?" asks for the change between two cited figures if there are two
            change_words = [w for w in words if w != "growth"] or previous
            change = self._candidates(change_words, "change", slots, previous)
            if self._confident(change) and (
                len({f.period for f in change[0].group.facts}) > 1 or ABSOLUTE.search(slots.text)
            ):
                # "by how many patents ... in absolute terms?" is never the rate, even when the
                # releases give the figure at one time only
                want, candidates = "change", change
        if (
            previous and words == previous and slots.want_inherited
            and context and context.subject not in slots.subjects
        ):  # fmt: skip
            # "and from western China?" after the Chinese GIs of the China-EU deal: the same
            # figure there, not another one sharing some of its words (the west's GI products)
            carried = [c for c in candidates if self.index.carries(c.group, previous)]
            if candidates and not carried and named_places:
                message = f"I have no figure for {context.metric} for {named_places[0]}."
                return self._declined_for_place(question, words, slots, message, candidates)
            candidates = carried
        if not candidates or not self._confident(candidates):
            strangers = [p for p in named_places if p not in self.index.subjects]
            if strangers:
                message = f"I have no figures for {strangers[0]}."
                return self._declined_for_place(question, words, slots, message, candidates or None)
            if named_places:
                # "valid invention patents in Shaanxi?": a figure the releases give, not for there
                return self._declined_for_place(question, words, slots, None, candidates or None)
            return self._no_figure(question, words, slots, None, candidates or None)
        best = self._prefer_main_subject(candidates, slots)
        # the places named are no thing counted ("how many western registered trademarks")
        thing = self._counted_thing(without_spans(slots.text, [(a, b) for a, b, _ in slots.subject_spans]))
        if thing and thing not in _counts(best.group):
            # "with 42 million passenger trips, how many patents did it get?": the thing counted
            # is the figure asked for, the other one only says which; "how many bridges were
            # built?" counts a thing no figure counts (the railway's patents are no bridges)
            counting = [c for c in candidates if thing in _counts(c.group)]
            if not counting or not self._confident(counting):
                return self._no_figure(question, words, slots, None, candidates)
            best = counting[0]
        scope = self._other_scope(best, words, slots)
        if scope:
            return self._not_this(question, slots, best, scope)
        if (
            previous and context and context.subject and context.subject in self.index.place_names
            and best.group.subject not in (context.subject, *slots.subjects)
        ):  # fmt: skip
            # "How many GIs does Guangxi have?", then "and how many are on the China-EU list?":
            # the conversation is about Guangxi; the west's 36 are not Guangxi's
            message = f"I have no figure for {best.group.metric} for {context.subject}."
            return self._not_this(question, slots, best, message)
        if previous and words == previous and BOTH.search(slots.text):
            # "and both together?": the releases give each figure, never their sum
            message = "ipfacts gives each figure as cited; it does not add them up."
            return self._not_this(question, slots, best, message)
        unexplained = [p for p in named_places if not self.index.mentions(best.group, p, named_places)]
        if unexplained:
            message = f"I have no figure for {best.group.metric} for {unexplained[0]}."
            return self._declined_for_place(question, words, slots, message, candidates)
        rivals = [
            c for c in candidates
            if c.group is not best.group and c.score >= best.score - AMBIGUITY_MARGIN
        ]  # fmt: skip
        if not slots.subjects and best.group.subject == self.main_subject:
            # the same figure for other places, or other figures of theirs: the main subject's.
            # Two other things ("when was the meeting held?": which one?) are both offered.
            rivals = [r for r in rivals if r.group.subject == best.group.subject]
        elif not slots.subjects and best.group.subject in self.index.place_names and not previous:
            # "how many GIs?" names no place: Guangxi's GIs, or the main subject's GI products
            rivals += [
                c for c in candidates
                if c.group.subject == self.main_subject and c.score >= best.score - PLACE_MARGIN
                and c not in rivals and self._confident([c])
            ][:1]  # fmt: skip
        twins = self._contrast_twins(best, candidates, slots)
        if twins and len(twins) == 1 and not rivals and COMPARE.search(slots.text):
            # "which side got more GIs protected under the deal?": the two figures side by side
            a, b = (self._fact_for(c.group, slots, slots.periods) for c in (best, twins[0]))
            if a and b:
                same_time = a.period == b.period and not (a.qualifier or b.qualifier)
                compared = self._compared(question, best, twins[0], a, b, same_time)
                if compared:
                    return compared
        rivals += [t for t in twins if t not in rivals]
        if rivals and previous and _refers_back(slots.text):
            # "by what percent did they grow?": the one that shares most with the figure before
            options = [best, *rivals]
            overlap = [len(c.group.words & set(previous)) for c in options]
            if overlap.count(max(overlap)) == 1:
                best, rivals = options[overlap.index(max(overlap))], []
        if rivals:
            return self._clarify(question, [best, *rivals][:MAX_SUGGESTIONS], "Did you mean:", context)
        if (
            slots.want_inherited and (slots.periods or slots.latest) and words == previous
            and best.group.kind in DERIVED_KINDS
            and context and context.counted
        ):  # fmt: skip
            # "patents at the end of September 2024?", "how fast did they grow?", "and by June
            # 2025?": the releases give no rate then, but the count asked about before
            base = self._base_count(best.group, slots)
            if base and base.group.metric == context.counted:
                best, want = base, "count"
                slots.want = want
        asked_editions = {float(n) for n in ORDINAL.findall(slots.text)}
        editions = {
            f.value: f.figure
            for n in (self.index.by_subject.get(best.group.subject, ()) if asked_editions else ())
            for f in self.index.groups[n].facts
            if f.kind == "ordinal"
        }
        if editions and not asked_editions & set(editions):
            # "the 17th China-EU meeting": the releases tell of the 18th only
            told = " and ".join(editions[v] for v in sorted(editions))
            message = f"I have no figures for that edition of the {best.group.subject}; the releases tell of the {told}."
            return self._not_this(question, slots, best, message)
        if slots.unplaced and not any(f.value in slots.unplaced for f in best.group.facts):
            # "went from 931 to ...": not one of this figure's values (another place's figure)
            quoted = slots.unplaced[0]
            written = f"{quoted:,.0f}" if quoted == int(quoted) else f"{quoted:g}"
            message = f"I have no figure for {best.group.metric} ({best.group.subject}) of {written}."
            return self._not_this(question, slots, best, message)
        other = self._other_figure(best, words, want, slots, candidates)
        if other and not SUMMED.search(slots.text) and want not in {"ratio", "change", "ranking"}:
            # "the west's patents and trademarks": both figures, each as cited
            both = self._both(question, best, other, slots, words)
            if both:
                return both
        if other:
            # "valid patents plus trademarks": two figures named, neither the answer alone
            message = (
                "You name two figures; ipfacts gives each as cited (it does not add them up). Did you mean:"
            )
            return self._clarify(question, [best, other], message, context)
        return self._select_period(question, best, slots, want)

    def _about_last_two(
        self, question: str, slots: Slots, words: list[str], previous: list[str], context: Context | None
    ) -> Answer | None:
        """A follow-up about the two figures just given, naming no figure or time of its own:
        "how big is the gap?" after the west's GDP growth and the national one sets them side by
        side with the difference; "so what's the total?" after the Chinese and the EU GIs of
        the agreement is a sum the releases never give."""
        own = set(words) - set(previous)
        if HOW_BIG.search(slots.text):
            own.discard("area")  # "how big is the gap?" asks for no area
        if not context or own or any(p.end for p in slots.periods):  # a period of its own
            return None
        figures: dict[str, Fact] = {}  # the first fact of each figure, the last given first
        for fact_id in [*context.fact_ids, *context.earlier_fact_ids]:
            fact = self._facts.get(fact_id)
            if fact is not None:
                figures.setdefault(self._group_of[fact.id].label, fact)
        if len(figures) < 2:
            return None
        last, before = list(figures.values())[:2]
        same_kind = last.unit == before.unit or last.kind == before.kind == "count"  # trademarks and patents
        if (
            not same_kind
            or last.kind in DATE_KINDS
            or not set(slots.subjects) <= {last.subject, before.subject}
        ):
            return None
        first, second = (Candidate(self._group_of[f.id], 1.0, 1.0, 1.0) for f in (before, last))
        if BOTH.search(slots.text) or WHOLE.search(slots.text):  # (every SUMMED word is one of theirs)
            message = (
                "The releases give each of these figures, never their sum; ipfacts does not add them up."
            )
            return self._clarify(question, [first, second], message, context)
        if not self._twins(last, before) or (PERCENT_ASKED.search(slots.text) and last.unit != "percent"):
            return None  # a gap only between two sides of one figure ("those two numbers" may be others)
        if COMPARE.search(slots.text) or slots.want == "change":
            comparable = before.period == last.period and not (before.qualifier or last.qualifier)
            return self._compared(question, first, second, before, last, comparable)
        return None

    def _twins(self, a: Fact, b: Fact) -> bool:
        """Whether two facts are one figure for two places or times ("GDP growth" of the west and
        of China), or two sides of one thing's figure ("Chinese" and "EU" GIs of the agreement):
        the ones a gap or a total between makes sense of."""
        if a.metric == b.metric:
            return True
        if a.subject != b.subject:
            return False

        def uncontrasted(metric: str) -> set[str]:
            return set(self.index.contrast_parts(metric_parts(metric))) - self.index.contrast_words

        return uncontrasted(a.metric) == uncontrasted(b.metric)

    def _counted_thing(self, text: str) -> str | None:
        """The content word of what a "how many" question counts, if it says."""
        counted = HOW_MANY_THING.search(text)
        if not counted:
            return None
        phrase = counted.group(1).split()
        if phrase[0] == "of":  # "how many of the west's patents are ...": the last word
            phrase = phrase[1:]
        cut = next((i for i, w in enumerate(phrase) if w in COUNTED_CUT and i > 0), len(phrase))
        if UNIT_WORDS.search(" ".join(phrase[:cut])):
            return None  # "how many square km": a unit, which Index.unit_fits checks
        named = self.index.content(" ".join(phrase[:cut]))  # "geographical indications" is "gi"
        known = [w for w in named if w in self.index.by_word]
        if named and not known and named[-1] not in GENERIC_COUNTED:
            return named[-1]  # "how many bridges": a thing no figure knows
        # "GI items": the last word figures know; "people" may be counted by any figure of persons
        return known[-1] if known else None

    def _other_scope(self, best: Candidate, words: list[str], slots: Slots) -> str | None:
        """Why the question asks about more or less than `best` counts, if it does: China as a
        whole ("how many Chinese invention patents?") where the figure is a region's, or
        another ranking's cut-off ("in the WIPO top 10" of a top-100 figure)."""
        group = best.group
        if (
            "chinese" in words and "chinese" not in group.words and not slots.subjects
            and group.subject in self.index.place_names and group.subject != NATION
            and not self.index.place_pattern(group.subject).search(slots.text)
        ):  # fmt: skip
            return f"I have no figure for {group.metric} for China as a whole; I have it for {group.subject}."
        joined = JOINED_PAIR.search(normalize(group.metric))
        if joined:
            kinds = [set(self.index.content(kind)) & set(words) for kind in joined.groups()]
            if bool(kinds[0]) != bool(kinds[1]):
                named = joined.group(1) if kinds[0] else joined.group(2)
                return f"The releases give {group.metric} only together, not {named} ones alone."
        if (
            WHOLE.search(slots.text) and not slots.subjects and group.kind == "count"
            and group.subject in self.index.place_names and group.subject != NATION
            and PART_OF_WHOLE.search(normalize(group.metric))
        ):  # fmt: skip
            # "how many GI products are on the first China-EU list in total?": only the west's part
            return f"I have no total for {group.metric}; I have the figure for {group.subject} only."
        asked_tops = set(TOP_N.findall(slots.text))
        stated_tops = set(TOP_N.findall(group.described))
        if asked_tops and stated_tops and not asked_tops & stated_tops:
            return f"I have no figure for the top {sorted(asked_tops)[0]}; the releases give the top {sorted(stated_tops)[0]}."
        return None

    def _contrast_twins(self, best: Candidate, candidates: list[Candidate], slots: Slots) -> list[Candidate]:
        """Figures of the same thing that differ from `best` only by words of a contrast, each
        with its own, that the question does not say: "GIs protected under the deal" may be the
        Chinese or the EU ones, however differently the two words weigh ("trademarks" are not
        "trademark applications": only one of the two has a word of that contrast)."""
        mine = set(self.index.contrast_parts(best.group.metric_parts))
        asked = self._asked_contrasts(slots)
        twins = []
        for candidate in candidates:
            if candidate.group is best.group or candidate.group.subject != best.group.subject:
                continue
            differ = mine ^ set(self.index.contrast_parts(candidate.group.metric_parts))
            touched = [c for c in self.index.contrasts if differ & c]
            if (
                differ and differ <= self.index.contrast_words
                and all(mine & c and not asked & c for c in touched)
                and self._confident([candidate])
            ):  # fmt: skip
                twins.append(candidate)
        return twins

    def _base_count(self, derived: Group, slots: Slots) -> Candidate | None:
        """The count a growth rate or share is of, when it has a figure for the periods asked
        and the rate has none (or, asked for the latest, a later one than the rate): the one
        count of the same subject its description names."""
        latest = all(p.value == "" for p in slots.periods)  # "now", "the most recent", or none
        if not latest and self._matching(derived.facts, slots, slots.periods):
            return None
        same_subject = dataclasses.replace(slots, subjects=[derived.subject], want="count")
        counts = [
            c
            for c in self._candidates(self.index.content(derived.metric), "count", same_subject, [])
            if c.group.subject == derived.subject and c.pattern_coverage == 1
        ]
        if not counts or (len(counts) > 1 and counts[1].score >= counts[0].score - AMBIGUITY_MARGIN):
            return None
        if latest:
            newer = max(f.period for f in counts[0].group.facts) > max(f.period for f in derived.facts)
            return counts[0] if newer else None
        return counts[0] if self._matching(counts[0].group.facts, slots, slots.periods) else None

    def _clarify(
        self, question: str, options: list[Candidate], message: str, context: Context | None
    ) -> Answer:
        """A question back: the figures it may mean, best first; the conversation stays put."""
        best = options[0]
        return Answer(
            question=question, answered=False, kind="clarify", score=best.score, intent=best.group.label,
            suggestions=[self._suggest(c.group) for c in options], message=message, context=context or Context(),
        )  # fmt: skip

    def _declined_for_place(
        self, question: str, words: list[str], slots: Slots, message: str | None,
        candidates: list[Candidate] | None = None,
    ) -> Answer:  # fmt: skip
        """No figure for the place asked. The conversation keeps the figure asked about, so
        "valid patents in Xinjiang?" can be followed by "and for the whole west?"."""
        # looked up among the main subject's figures: a few set look-ups, where all subjects'
        # would score every figure with the words in a large table
        main = dataclasses.replace(slots, subjects=[self.main_subject])
        found = self._candidates(words, slots.want, main, []) if words else []
        metric = found[0].group.metric if self._confident(found) else None
        place = next(s for s in slots.subjects if s in self.index.place_names)
        if message is None and metric:
            message = f"I have no figure for {metric} for {place}."
        declined = self._no_figure(question, words, slots, message, candidates)
        if metric:  # "and their output value?" still asks about the place
            declined.context = Context(metric=metric, subject=place, want=slots.want)
        return declined

    def _other_figure(
        self, best: Candidate, words: list[str], want: Want | None, slots: Slots, candidates: list[Candidate]
    ) -> Candidate | None:
        """Another figure the question names beside `best`: a word `best` leaves unexplained
        that stands against one of its own ("patents" beside "trademarks"), and that clearly
        names another figure on its own; or, in a sum ("GI products and GI trademarks
        combined"), a figure whose every word the question says and `best` leaves one of."""
        leftover = [w for w in words if w not in best.group.words and w in self.index.by_word]
        # (only a word `best` leaves unexplained can name the other: most questions skip the search)
        joined = self._joined_figure(best, want, slots) if leftover else None
        if joined:
            return joined
        if SUMMED.search(slots.text) or self._joins_members(slots.text):
            named = next(
                (
                    c for c in candidates
                    if c.group is not best.group and c.score >= ANSWER_THRESHOLD
                    and c.pattern_coverage == 1 and c.group.words & set(leftover)
                ),
                None,
            )  # fmt: skip
            if named:
                return named
            # "Chinese and EU GIs combined": a member of the figure's contrast that its metric
            # lacks names the figure of that member
            asked = self._asked_contrasts(slots)
            own = set(self.index.contrast_parts(best.group.metric_parts))
            extra = (asked - own) & self.index.contrast_words
            twin = next(
                (
                    c for c in candidates
                    if c.group is not best.group and c.group.subject == best.group.subject
                    and extra & set(self.index.contrast_parts(c.group.metric_parts))
                ),
                None,
            )  # fmt: skip
            if twin:
                return twin
        metric = set(self.index.contrast_parts(best.group.metric_parts))
        against = {
            w
            for w in self.index.contrast_parts(leftover)
            for c in self.index.contrasts
            if w in c and metric & c - {w}
        }
        if not against:
            return None
        others = self._candidates(leftover, want, slots, [])
        if (
            self._confident(others)
            and others[0].group is not best.group
            and against & set(self.index.contrast_parts(others[0].group.metric_parts))
        ):
            return others[0]
        return None

    def _joined_figure(self, best: Candidate, want: Want | None, slots: Slots) -> Candidate | None:
        """A figure named beside `best` with "and" ("GI products and GI trademarks"): each side
        of the "and" ends with the word its own figure counts and names that figure alone."""
        for joint in AND_SPLIT.finditer(slots.text):
            if any(a < joint.start() < b for a, b, _ in slots.subject_spans):
                continue  # "the China-Laos railway and ..." is cut elsewhere
            found = []
            before, after = self._words(slots, 0, joint.start()), self._words(slots, joint.end())
            # the words next to "and": "GI products | and | GI trademarks does the west have"
            for side, heads in ((before, before[-1:]), (after, after[:2])):
                candidates = self._candidates(side, want, slots, [])
                if not (side and self._confident(candidates)):
                    break
                counted = _counts(candidates[0].group)
                if not any(w in counted and not w.endswith("ed") for w in heads):
                    break  # "recognized and protected": ways of one figure, not two figures
                found.append(candidates[0])
            if len(found) == 2 and found[0].group is not found[1].group:
                if found[0].group is best.group:
                    return found[1]
                if found[1].group is best.group:
                    return found[0]
        return None

    def _joins_members(self, text: str) -> bool:
        """Whether "and" joins two members of a contrast ("Chinese and EU GIs")."""
        return any(
            len(set(self.index.contrast_parts(m.groups())) & contrast) == 2
            for m in JOINED_MEMBERS.finditer(text)
            for contrast in self.index.contrasts
        )

    def _both(
        self, question: str, best: Candidate, other: Candidate, slots: Slots, words: list[str]
    ) -> Answer | None:
        """The two figures a question names side by side ("patents and trademarks in the west"),
        in the order it names them, each with its source; None when one lacks the period asked
        or a word neither explains asks something else of them ("the ratio of ... to ...")."""
        a, b = (self._fact_for(c.group, slots, slots.periods) for c in (best, other))
        if (
            a is None
            or b is None
            or not self.index.covers(best.group, [w for w in words if w not in other.group.words])
        ):
            return None
        asked = content_words(slots.text)

        def first_said(one: Candidate, two: Candidate) -> int:  # by the words only it has
            return min(
                (asked.index(w) for w in one.group.words - two.group.words if w in asked), default=len(asked)
            )

        if first_said(other, best) < first_said(best, other):
            (best, a), (other, b) = (other, b), (best, a)
        context = Context(
            metric=best.group.metric, subject=best.group.subject, stated_period=a.period, fact_ids=[a.id, b.id],
            want=slots.want,  # "and in 2025?" after two growth rates asks for rates
        )  # fmt: skip
        return self._side_by_side(question, "both", best, other, a, b, context)

    def understand(
        self, question: str, context: Context | None = None
    ) -> tuple[Slots, list[str], list[str], Context | None]:
        """The question's slots, its words to match, the previous figure's words (for a
        follow-up) and the context still in force."""
        question, source_id = self._named_source(question)
        question, quoted, quoted_periods, unplaced = self._quoted_periods(question)
        slots = read_slots(self.index.correct(question), self.today(), self.index.subject_finder)
        slots.quoted = quoted
        slots.unplaced = unplaced
        slots.source_id = source_id
        starts = [p for p in slots.periods if SINCE.search(slots.text[: p.start]) or SINCE.match(p.text)]
        if starts:
            # "trips since it opened in December 2021": where a running total starts, not when
            slots.since = [p.value for p in starts]
            slots.periods = [p for p in slots.periods if p not in starts]
        if slots.want != "date":
            # "the figures from the August press conference": where they were given, not what is asked
            slots.subjects = [
                s for s in slots.subjects if s in self.index.place_names or not REPORTED.search(normalize(s))
            ]
        if quoted_periods:
            asked = {p.value for p in slots.periods}
            slots.periods += [
                QuestionPeriod(p, "the figure quoted", 0, 0) for p in quoted_periods if p not in asked
            ]
        if starts or quoted_periods:
            slots.want = wanted_kind(slots.text, len(slots.periods))  # the periods asked have changed
        words = self._words(slots)
        previous: list[str] = []
        if context and _is_followup(slots.text, words, slots, self.index.subjects):
            words, previous = self._merge_context(words, slots, context)
        return slots, words, previous, context

    def _words(self, slots: Slots, start: int = 0, end: int | None = None) -> list[str]:
        """The words to match in the question (or in its text from `start` to `end`)."""
        # A place that figures belong to is a slot, not a word to match; other places stay as
        # words where a figure's description uses them ("EU GIs") and are dropped otherwise.
        place_spans = [
            (a, b)
            for a, b, name in slots.subject_spans
            if name in self.index.place_names or name in self.index.subjects
        ]
        residual = without_spans(slots.text, slots.spans + place_spans)
        # a unit of measure no figure's description writes that way ("in square km") picks
        # figures by their unit (Index.unit_fits), and is no word to match
        residual = MEASURE_UNIT_WORDS.sub(
            lambda m: m[0] if all(w in self.index.by_word for w in content_words(m[0])) else " " * len(m[0]),
            residual,
        )[start:end]
        return [
            w for w in content_words(residual)  # slots.text is already typo-corrected
            if (w not in self.index.place_words or w in self.index.by_word) and len(w) > 1
            and w not in self.index.change_words  # "how many were added?": the asking, not the topic
        ]  # fmt: skip

    def _quoted_periods(self, question: str) -> tuple[str, list[float], list[str], list[float]]:
        """The question without the figures it quotes from the releases, and their periods:
        "how much did patents rise from the 493,000 figure to June 2025?" asks about the end of
        September 2024 and June 2025, and "38.8 percent" in it is no cue for a share."""
        periods: list[str] = []
        values: list[float] = []
        unplaced: list[float] = []
        if not any(character.isdigit() for character in question):
            return question, values, periods, unplaced  # most questions quote no figure: no scan
        for figure in reversed(find_figures(question)):
            written = question[figure.start : figure.unit_end]
            start_of = re.search(r"\bfrom\s+(?:the\s+)?$", question[: figure.start])
            in_clause = SOURCE_CLAUSE.search(question[: figure.start])
            # "the output value of the 978 GI products": a figure of the releases, said to say which
            named = (
                figure.value >= 100 and figure.value in self._period_of_value
                and THE_FIGURE.search(question[: figure.start])
                and self._names_its_figure(figure.value, question[figure.unit_end :])
            )  # fmt: skip
            if figure.kind == "year" or not (
                QUOTED_STATISTIC.search(written) or start_of or in_clause or named
            ):
                continue  # "went from 931 to", "the one where GI products were 931": quoted too
            known = self._period_of_value.get(figure.value)
            if figure.value in self._period_of_value and (start_of or not known):
                # the figure asked about must have it: "went from 931" is its own earlier value,
                # and a figure several others share says not whose it is
                unplaced.append(figure.value)
            if known:
                periods.insert(0, known)
                values.append(figure.value)
                start, end = figure.start, figure.unit_end
                clause = SOURCE_CLAUSE.search(question[:start])
                if clause:
                    # "in the report where invention patents reached 493,000": which report, not
                    # what is asked, to the end of the clause
                    start = clause.start("clause")
                    end += len(re.match(r"[^,;?]*", question[end:])[0])  # type: ignore[index]
                question = without_spans(question, [(start, end)])
        return question, values, periods, unplaced

    def _names_its_figure(self, value: float, after: str) -> bool:
        """Whether the words after a number are its own figure's ("978 GI products"), not a
        count of something else that happens to share the number ("the 12 provinces")."""
        following = set(self.index.content(" ".join(after.split()[:3])))
        # rare (a question naming "the <figure>"): a scan, not another map of every value
        return any(
            following & self._group_of[f.id].metric_parts for f in self._facts.values() if f.value == value
        )

    def _candidates(
        self, words: list[str], want: Want | None, slots: Slots, previous: list[str],
        not_asked: frozenset[str] = frozenset(),
    ) -> list[Candidate]:  # fmt: skip
        """Groups for the words; `not_asked`: words of the other side of a comparison."""
        if want == "change" and RATE_NAMED.search(slots.text):
            want = "growth"  # "how much did the growth rate change?": the rate's own change
        elif want == "change":
            words = [w for w in words if w != "growth"]  # "increase", "grew": the change itself
        asked = set(content_words(self._asked_text(slots))) - not_asked
        candidates = self.index.candidates(
            words, want, slots.subjects, previous, asked, self.index.narrowed(slots.text)
        )
        fitting, unfit = [], 0.0
        for candidate in candidates:
            if self.index.unit_fits(candidate.group, slots.text):
                fitting.append(candidate)
            else:
                unfit = max(unfit, candidate.score)
        # "how many agreements did ... sign?" is best matched by the money signed: no count of
        # agreements is given, and a weaker figure of another thing is not one either
        candidates = [c for c in fitting if c.score >= unfit]
        if slots.quoted and want != "change":
            # "when GI products made up 38.8%, how many were there?": not the 38.8% it gave
            candidates = [c for c in candidates if not any(f.value in slots.quoted for f in c.group.facts)]
        if slots.periods:
            for candidate in candidates:
                if any(
                    period_matches(p.value, f.period) for p in slots.periods for f in candidate.group.facts
                ):
                    candidate.score += PERIOD_MATCH_BONUS
            candidates.sort(key=lambda c: -c.score)
        return candidates

    def _asked_contrasts(self, slots: Slots) -> set[str]:
        """The words of contrasts the question says itself ("Chinese", "EU"), in their
        contrasts' spelling; not those in the names of things it names ("China-EU")."""
        return set(self.index.contrast_parts(content_words(self._asked_text(slots))))

    def _asked_text(self, slots: Slots) -> str:
        """The question without the names of things it names: place names count ("EU ones"),
        but "GIs under the China EU agreement" may mean its Chinese ones as much as its EU ones."""
        things = [(a, b) for a, b, name in slots.subject_spans if name not in self.index.place_names]
        return without_spans(slots.text, things)

    def _mentioned(self, place: str) -> bool:
        return self.index.mentioned_anywhere(place)

    def _confident(self, candidates: list[Candidate]) -> bool:
        return bool(candidates) and (
            candidates[0].score >= ANSWER_THRESHOLD
            and candidates[0].question_coverage >= MIN_QUESTION_COVERAGE
            and candidates[0].pattern_coverage >= MIN_PATTERN_COVERAGE
        )

    def _prefer_main_subject(self, candidates: list[Candidate], slots: Slots) -> Candidate:
        best = candidates[0]
        if slots.subjects:
            return best
        ties = [c for c in candidates if c.score >= best.score - AMBIGUITY_MARGIN]
        return next((c for c in ties if c.group.subject == self.main_subject), best)

    def _merge_context(self, words: list[str], slots: Slots, context: Context) -> tuple[list[str], list[str]]:
        """Fill what a follow-up leaves out from the conversation: the subject, the period, the
        kind of answer, and (when it names no figure of its own) the previous figure."""
        # the previous figure's words that figures are found by ("share" and "national" of "GI
        # products share of national total" are a kind of answer and a place, not its words)
        previous = [w for w in self.index.content(context.metric or "") if w in self.index.by_word]
        if not words:
            words = previous
        # "and the China-ASEAN one?" after the China-EU meeting names another thing by its own word
        other_thing = any(
            context.subject not in self.index.things_by_word.get(w, {context.subject})
            for w in content_words(slots.text)  # already typo-corrected
        )
        if (
            context.subject and not other_thing
            and all(s not in self.index.subjects and self.index.names_place(context.subject, s, words) for s in slots.subjects)
        ):  # fmt: skip
            # "and EU ones?" after the China-EU agreement: still the agreement, now its EU side
            # (not "and in Xinjiang?" after the west's GI products: a place of its own)
            slots.subjects = [context.subject, *slots.subjects]
        if not slots.periods and not slots.latest and context.stated_period and THAT_TIME.search(slots.text):
            # "and how many were there at that time?": the period of the figure just given
            slots.periods = [QuestionPeriod(context.stated_period, "that time", 0, 0)]
        if not slots.periods and not slots.latest and context.period and not slots.earlier:
            slots.periods = [QuestionPeriod(context.period, context.period, 0, 0)]
        if not slots.periods and not slots.latest and (_refers_back(slots.text) or slots.earlier):
            # "how many products is that?", "and the earlier figure?": the figure just given
            slots.preferred_period = context.stated_period
        if slots.want is None and context.want:
            slots.want = context.want  # type: ignore[assignment]
            slots.want_inherited = True
        return words, previous

    def _select_period(self, question: str, best: Candidate, slots: Slots, want: Want | None) -> Answer:
        group = best.group
        facts = group.facts
        if want == "change":
            return self._change(question, best, slots)
        if slots.source_id:
            # "according to the 'IP Takes Lead' article": that release's figure, or none
            facts = [f for f in facts if f.source_id == slots.source_id]
            if not facts:
                title = self._sources[slots.source_id].title
                return self._not_this(
                    question, slots, best, f"'{title}' gives no figure for {group.metric} ({group.subject})."
                )
        if slots.since_start and not any(RUNNING_TOTAL.search(f.quote) for f in facts):
            # "and since it opened?" after the railway's patents: they are no running total
            message = f"I have no figure for {group.metric} ({group.subject}) counted since it started."
            return self._not_this(question, slots, best, message)
        if slots.since:
            # a running total counted from the start the question names, as its sentence says
            facts = [f for f in facts if self._counted_since(f, slots.since)]
            if not facts:
                return self._not_this(
                    question,
                    slots,
                    best,
                    f"I have no figure for {group.metric} ({group.subject}) counted from then.",
                )
        asked = [p.value for p in slots.periods]
        between = {p.value for p in slots.periods if not _beside_release(slots.text, p)}
        if group.kind == "growth" and len(between) >= 2:
            # "by what percentage did patents grow between September 2024 and June 2025?": a
            # year-on-year rate to one date is no rate between two
            message = (
                f"I have no {group.metric} ({group.subject}) between two dates; only the year-on-year rate."
            )
            return self._not_this(question, slots, best, message)
        if UNRESOLVED in asked:
            # "a year before September 2024": a period the releases do not pin down
            return self._not_this(
                question,
                slots,
                best,
                f"I have no figure for {asked_label(slots.periods[asked.index(UNRESOLVED)])}: "
                "please name the period (for example 'at the end of September 2024').",
            )
        if asked:
            matching = self._matching(facts, slots, slots.periods)
            if not matching:
                known = _periods_told(facts)
                have = "" if group.kind in DATE_KINDS else f"; I have it for {known}"
                declined = self._not_this(
                    question,
                    slots,
                    best,
                    f"I have no figure for {group.metric} ({group.subject}) for {asked_label(slots.periods[0])}{have}.",
                )
                # the conversation is now about this figure at that period ("growth back then?")
                declined.context = Context(
                    metric=group.metric,
                    subject=group.subject,
                    period=asked[0],
                    stated_period=asked[0],
                    want=want,
                )
                return declined
            chosen_period = max(f.period for f in matching)
        elif slots.earlier and not slots.source_id:  # a release named says which figure itself
            # "and in the previous report?": the figure's period before the one in view
            shown = slots.preferred_period if any(f.period == slots.preferred_period for f in facts) else None
            reference = shown or max(f.period for f in facts)
            before = [f.period for f in facts if f.period < reference]
            if not before:
                message = (
                    f"I have no earlier figure for {group.metric} ({group.subject}) than "
                    f"{period_label(reference)}."
                )
                return self._not_this(question, slots, best, message)
            chosen_period = max(before)
        elif any(f.period == slots.preferred_period for f in facts):
            chosen_period = slots.preferred_period  # type: ignore[assignment]
        elif slots.preferred_period and group.kind in DERIVED_KINDS:
            # "7.006 million trademarks" then "how fast did that grow?": the releases give no
            # rate for that figure's time, only one for another time
            known = _periods_told(facts)
            message = (
                f"I have no {group.metric} ({group.subject}) for {period_label(slots.preferred_period)}, "
                f"the time of the figure before; I have it for {known}."
            )
            return self._not_this(question, slots, best, message)
        else:
            chosen_period = max(f.period for f in facts)
        stated = [f for f in facts if f.period == chosen_period]
        # "trips per year", "trips in 2024": not the running total since 2021 (42 million by then)
        per = PER_YEAR.search(slots.text)
        yearly_metric = PER_YEAR.search(normalize(group.metric))
        said = per.group(0).replace("daily", "day") if per else ""
        span = next((u for u in ("month", "week", "day", "quarter") if u in said), "year")
        if per and span != "year" and yearly_metric:
            # "Talatan's monthly electricity generation": the releases give it for a year
            message = f"I have no figure for {group.metric} ({group.subject}) each {span}; only for a year."
            return self._not_this(question, slots, best, message)
        if per and group.kind == "count" and not yearly_metric:
            # "how many trademarks does the west register annually?": the releases give a total
            # to a date, never one for each year or month
            each = f"each {span}"
            message = f"I have no figure for {group.metric} ({group.subject}) {each}; only a total to a date."
            return self._not_this(question, slots, best, message)
        yearly = "per year" if per else None
        yearly = yearly or next(
            (
                f"within {asked_label(p)}"
                for p in slots.periods
                if len(p.value) == 4 and not UP_TO.match(p.text)
            ),
            None,
        )
        if yearly and all(RUNNING_TOTAL.search(f.quote) for f in stated):
            message = f"I have no figure for {group.metric} ({group.subject}) {yearly}; only a running total."
            return self._not_this(question, slots, best, message)
        # "last year, according to the article" found 2023: the conversation goes on in 2023
        in_view = (
            next((p for p in asked if period_matches(p, stated[0].period)), stated[0].period)
            if asked
            else None
        )
        return self._state(question, group, stated, want, in_view, best.score)

    def _matching(self, facts: list[Fact], slots: Slots, periods: list[QuestionPeriod]) -> list[Fact]:
        """The facts for any of the periods asked."""
        matching = [f for f in facts if any(period_matches(p.value, f.period) for p in periods)]
        if not matching and REPORTED.search(slots.text):
            # "per CNIPA's August presser": the period names when the figure was reported;
            # "last year, according to the article": the year before the article's
            matching = [f for f in facts if self._reported_in(f, periods, slots.text)]
        return matching

    def _counted_since(self, fact: Fact, starts: list[str]) -> bool:
        """Whether a fact's sentence counts from each start asked ("since ... December 2021")."""
        told = [
            p.value for p in find_periods(fact.quote, self._sources[fact.source_id].published) if p.is_event
        ]
        told.append(fact.period)  # "since 2021" of the 2021 agreement's GIs: since it was signed
        return all(any(value and period_matches(start, value) for value in told) for start in starts)

    def _reported_in(self, fact: Fact, periods: list[QuestionPeriod], text: str) -> bool:
        """Whether a question's period names the release a figure is from ("the August press
        conference", next to it), or is the figure's own period read against that release's
        date ("last year, according to the report")."""
        published = self._sources[fact.source_id].published
        for period in periods:
            if _beside_release(text, period) and period_matches(period.value, published):
                return True  # not "GDP growth in 2024, per the releases": that asks for 2024
            again = [p.value for p in find_periods(period.text, published) if p.value]
            if again and again[0] != period.value and period_matches(again[0], fact.period):
                return True
        return False

    def _state(
        self, question: str, group: Group, stated: list[Fact], context_want: str | None,
        asked_period: str | None, score: float,
    ) -> Answer:  # fmt: skip
        history = [f for f in group.facts if f.period != stated[0].period]
        history.sort(key=lambda f: f.period, reverse=True)
        sources = {f.source_id: self._sources[f.source_id] for f in [*stated, *history]}
        context = Context(
            metric=group.metric, subject=group.subject, want=context_want,
            # the month a date was asked in ("what day in August?") is the answer, not the
            # time the conversation is about
            period=None if group.kind in DATE_KINDS else asked_period,
            stated_period=stated[0].period,
            fact_ids=[f.id for f in stated],
        )  # fmt: skip
        return Answer(
            question=question, answered=True, kind="figure", facts=stated, sources=sources,
            history=history, intent=group.label, score=round(score, 3), context=context,
        )  # fmt: skip

    def _change(self, question: str, best: Candidate, slots: Slots) -> Answer:
        group = best.group
        against = re.search(r"\b(?:than|versus|vs|compared (?:to|with)|against)\b", slots.text)
        others = [
            name for start, end, name in slots.subject_spans
            if against and start > against.start() and name in self.index.place_names and name != group.subject
            and slots.text[start:end] != "national"  # "compared with 38.8% of the national total"
        ]  # fmt: skip
        if others and group.subject in slots.subjects:
            # "how many more in the west than in Shaanxi?": places compared, not a change over time
            message = f"I have no figure for {group.metric} for {others[0]}."
            return self._not_this(question, slots, best, message)
        relative = RELATIVE.search(slots.text)
        if relative:
            # "more in June 2025 than the year before": a time the releases do not pin down
            message = f"I have no figure for {group.metric} ({group.subject}) for '{relative.group(0)}'."
            return self._not_this(question, slots, best, message)
        if slots.since and not any(
            period_matches(start, f.period) for start in slots.since for f in group.facts
        ):
            # "how many patents has the west gained since 2023?": no figure then to count from
            message = f"I have no figure for {group.metric} ({group.subject}) then to count a change from."
            return self._not_this(question, slots, best, message)
        by_period: dict[str, Fact] = {}
        for fact in group.facts:
            by_period.setdefault(fact.period, fact)
        periods = sorted(by_period)
        asked = [p.value for p in slots.periods]
        named = sorted({f.period for f in group.facts if f.source_id == slots.source_id})
        if named and len(asked) == 1 and not period_matches(asked[0], named[-1]):
            asked.append(named[-1])  # "in June 2025 than the count in the 'IP Takes Lead' article"
        elif slots.source_id and not asked:
            periods = named  # "how much did GI products grow according to the article?": its own figures
        within = [
            p for p in slots.periods
            if (SPAN.fullmatch(p.value) and WITHIN.match(p.text) and not FROM_POINT.search(slots.text[: p.start]))
            or YEAR_TO.search(slots.text[: p.start])
        ]  # fmt: skip
        if len(asked) == 1 and within:
            # "how many patents did the west add in 2024?": a change within the year, which two
            # figures from September 2024 and June 2025 do not give
            span = asked_label(within[0])
            span = f"the year to {span}" if YEAR_TO.search(slots.text[: within[0].start]) else span
            message = f"I have no change in {group.metric} ({group.subject}) within {span}."
            return self._not_this(question, slots, best, message)
        if len(asked) >= 2:
            chosen = [next((p for p in periods if period_matches(a, p)), None) for a in asked[:2]]
            if None in chosen or chosen[0] == chosen[1]:
                return self._not_this(
                    question, slots, best, f"I do not have {group.metric} for both of those periods."
                )
            earlier, later = sorted(p for p in chosen if p)
        elif len(periods) >= 2:
            earlier, later = periods[-2], periods[-1]
        else:
            return self._not_this(
                question, slots, best, f"I have {group.metric} ({group.subject}) for one period only."
            )
        first, second = by_period[earlier], by_period[later]
        if first.unit != second.unit:
            return self._not_this(question, slots, best, "Those two figures are in different units.")
        sources = {f.source_id: self._sources[f.source_id] for f in (first, second)}
        context = Context(
            metric=group.metric, subject=group.subject, want="change", fact_ids=[second.id, first.id]
        )
        return Answer(
            question=question, answered=True, kind="change", facts=[second, first], sources=sources,
            difference=round(second.value - first.value, 9), intent=group.label, score=round(best.score, 3), context=context,
        )  # fmt: skip

    def _compare(self, question: str, slots: Slots, words: list[str]) -> Answer | None:
        """Two figures a question sets side by side, each found as if asked alone, stated with
        the difference between them; None when the question does not name two such figures."""
        sides = self._sides(slots, words)
        if not sides and len(slots.periods) >= 2:
            return self._compare_periods(question, slots, words)
        compared = self._compare_sides(question, slots, sides) if sides else None
        if compared is None and (split := self._split_sides(slots)):
            compared = self._compare_sides(question, slots, split)
        return compared

    def _split_sides(self, slots: Slots) -> list[tuple[list[str], list[str]]]:
        """The two sides of "how many more GI trademarks than GI products", "the gap between
        patent growth and trademark growth" or "which is larger, X or Y": the words and places
        on either side of "than", "or", "versus" or "between ... and"."""
        split = SIDES_SPLIT.search(slots.text)
        if not split:
            return []
        start, end = split.span("cut" if split.group("cut") else "cut2")
        sides = []
        for begin, finish in ((0, start), (end, len(slots.text))):
            own = [name for a, b, name in slots.subject_spans if begin <= a and b <= finish]
            sides.append((own, self._words(slots, begin, finish)))
        shared = [s for s in slots.subjects if s not in sides[0][0] + sides[1][0]]
        # "how many more GI trademarks than GIs in Guangxi?": both sides are Guangxi's
        sides = [
            (own or shared or other, side_words)
            for (own, side_words), (other, _) in zip(sides, sides[::-1], strict=True)
        ]
        if not (sides[0][1] and sides[1][1]) or sides[0][1] == sides[1][1]:
            return []
        return sides

    def _compare_sides(
        self, question: str, slots: Slots, sides: list[tuple[list[str], list[str]]]
    ) -> Answer | None:
        """Each side found as if asked alone; the answer setting the two side by side."""
        wants = [slots.want, "growth"] if slots.want == "change" else [slots.want]
        if slots.want == "change" and GROWTH_WORDS.search(slots.text):
            wants = ["growth"]  # "the gap between patent growth and trademark growth": rates, not counts
        same_words = sides[0][1] == sides[1][1]
        for want in wants:
            found = []
            for (subjects, side_words), (_, other_words) in zip(sides, sides[::-1], strict=True):
                side_slots = dataclasses.replace(slots, subjects=subjects)
                # "fewer EU GIs than Chinese GIs": the EU side is not asked about Chinese ones
                other = frozenset(other_words) - set(side_words)
                candidates = self._candidates(side_words, want, side_slots, [], other)
                found.append([c for c in candidates if self._confident([c])])
            if not all(found):
                continue
            # "who grew faster, the west or China?": the one figure both sides have (GDP growth),
            # before each side's own best (the west's patent growth)
            # (only when the sides differ by place alone: "patent growth or GDP growth" asks for those)
            first, second = next(
                (
                    (x, y)
                    for x in found[0]
                    for y in found[1]
                    if same_words and x.group.metric == y.group.metric and x.group is not y.group
                ),
                (found[0][0], found[1][0]),
            )
            if same_words and not all(
                w in c.group.words for c, (_, side) in zip((first, second), sides, strict=True) for w in side
                if _names_a_figure(w, self.index)
            ):  # fmt: skip
                # sides told apart by place alone each have the figure words they name: "the
                # west's patents or the national average" is no comparison of GDP growth
                return None
            chosen = [first, second]
            if first.group is second.group or first.group.kind != second.group.kind:
                return None
            a, b = (self._fact_for(c.group, slots, slots.periods) for c in chosen)
            if a is None or b is None:
                return None  # a period one of them lacks: the usual answer says which
            # figures of different times are set side by side, not subtracted (editions of two
            # series are numbers of one kind whenever they were held)
            # nor are "over 5 million" and "nearly 30": they are not exact
            comparable = (a.period == b.period or a.kind == "ordinal") and not (a.qualifier or b.qualifier)
            return self._compared(question, first, second, a, b, comparable)
        return None

    def _compare_periods(self, question: str, slots: Slots, words: list[str]) -> Answer | None:
        """ "Which is higher, the GI count as of June 2025 or in 2024?": one figure at two times."""
        candidates = self._candidates(words, slots.want, slots, [])
        if not self._confident(candidates):
            return None
        best = candidates[0]
        a, b = (self._fact_for(best.group, slots, [p]) for p in slots.periods[:2])
        if a is None or b is None or a.period == b.period:
            return None
        return self._compared(question, best, best, a, b, comparable=True)

    def _compared(
        self, question: str, first: Candidate, second: Candidate, a: Fact, b: Fact, comparable: bool
    ) -> Answer | None:
        """The answer setting fact `a` (of `first`) beside fact `b` (of `second`), or None when
        the two cannot stand side by side (other units, or dates). Counts of two kinds of
        thing ("GI trademarks than GI products") are numbers of one kind."""
        if a.kind in DATE_KINDS or (a.unit != b.unit and not a.kind == b.kind == "count"):
            return None
        context = Context(metric=first.group.metric, subject=first.group.subject, fact_ids=[a.id, b.id])
        difference = round(a.value - b.value, 9) if comparable else None
        return self._side_by_side(question, "compare", first, second, a, b, context, difference)

    def _side_by_side(
        self, question: str, kind: Literal["compare", "both"], first: Candidate, second: Candidate,
        a: Fact, b: Fact, context: Context, difference: float | None = None,
    ) -> Answer:  # fmt: skip
        """Fact `a` (of `first`) and fact `b` (of `second`) stated together, each cited."""
        labels = dict.fromkeys([first.group.label, second.group.label])
        return Answer(
            question=question, answered=True, kind=kind, facts=[a, b],
            sources={f.source_id: self._sources[f.source_id] for f in (a, b)}, difference=difference,
            intent=" | ".join(labels), score=round(min(first.score, second.score), 3), context=context,
        )  # fmt: skip

    def _sides(self, slots: Slots, words: list[str]) -> list[tuple[list[str], list[str]]]:
        """The two sides a comparison names, as (subjects, words) to look each up by: two
        subjects ("the west or China as a whole", "the China-EU or the China-ASEAN meeting"), or
        two words that exclude each other ("Chinese GIs than EU GIs")."""
        things = self.index.things_by_word
        named = [s for s in slots.subjects if s in self.index.subjects]
        named += [next(iter(things[w])) for w in words if len(things.get(w, ())) == 1]
        named = list(dict.fromkeys(named))
        if len(named) >= 2:
            one, other = named[:2]
            own = {s: {w for w in words if things.get(w) == {s}} for s in (one, other)}
            return [
                ([one], [w for w in words if w not in own[other]]),
                ([other], [w for w in words if w not in own[one]]),
            ]
        # "China-EU" says EU and "China-ASEAN" says ASEAN; a place taken as a slot ("EU GIs")
        # still names its side
        asked = content_words(slots.text)  # already typo-corrected
        for contrast in self.index.contrasts:
            members = [p for p in self.index.contrast_parts(asked) if p in contrast]
            if len(members) >= 2:
                one, other = members[:2]

                def side(member: str, against: str) -> list[str]:
                    kept = [w for w in words if against not in self.index.contrast_parts([w])]
                    return (
                        kept
                        if any(member in self.index.contrast_parts([w]) for w in kept)
                        else [*kept, member]
                    )

                return [(slots.subjects, side(one, other)), (slots.subjects, side(other, one))]
        return []

    def _fact_for(self, group: Group, slots: Slots, periods: list[QuestionPeriod]) -> Fact | None:
        """A figure's latest fact for the periods asked (its latest if none asked) from the
        release the question names, if it names one; or None."""
        facts = [f for f in group.facts if f.source_id == slots.source_id or not slots.source_id]
        matching = self._matching(facts, slots, periods) if periods else facts
        return max(matching, key=lambda f: f.period) if matching else None

    def _no_figure(
        self, question: str, words: list[str], slots: Slots, message: str | None,
        candidates: list[Candidate] | None = None, suggest_group: bool = False,
    ) -> Answer:  # fmt: skip
        if candidates is None:
            candidates = self.index.candidates(words, None, slots.subjects) or self.index.candidates(
                words, None, []
            )
        suggestions: list[Suggestion] = []
        if suggest_group and candidates:
            suggestions = [
                self._suggest(candidates[0].group, fact) for fact in reversed(candidates[0].group.facts)
            ]
        else:
            # Close figures first (they share the question's words), then the figures of the
            # subject it named ("trademarks in Guangxi": what there is for Guangxi).
            close = [
                c.group for c in candidates if c.score >= MIN_SUGGESTION_SCORE and c.question_coverage > 0
            ]
            numbers = sorted({n for s in slots.subjects for n in self.index.by_subject.get(s, ())})
            named = [self.index.groups[n] for n in numbers]  # in index order, as a scan would give
            offered: set[tuple[str, str]] = set()
            for group in [*close, *named]:
                if group.key in offered:
                    continue
                offered.add(group.key)
                suggestions.append(self._suggest(group))
                if len(suggestions) == MAX_SUGGESTIONS:
                    break
        best = candidates[0] if candidates else None
        return Answer(
            question=question, answered=False, kind="unknown", suggestions=suggestions[:MAX_SUGGESTIONS],
            message=message or "I have no such figure in the press releases I know.",
            intent=best.group.label if best else None, score=round(best.score, 3) if best else 0.0,
        )  # fmt: skip

    def _not_this(self, question: str, slots: Slots, best: Candidate, message: str) -> Answer:
        """No figure: `best` is close but not what was asked; its own figures are offered."""
        return self._no_figure(question, [], slots, message, [best], suggest_group=True)

    def _suggest(self, group: Group, fact: Fact | None = None) -> Suggestion:
        fact = fact or max(group.facts, key=lambda f: f.period)
        # A date's period is its figure: a suggestion names it without giving it away uncited.
        when = "" if fact.kind in DATE_KINDS else f" ({fact.period})"
        return Suggestion(
            fact_id=fact.id,
            label=f"{group.metric} — {group.subject}{when}",
            question=f"{group.metric} {group.subject}{when}",
        )

    def _record_miss(self, answer: Answer) -> None:
        if not self.record_misses or self.db_path is None:
            return
        try:
            db = sqlite_utils.Database(sqlite3.connect(self.db_path, timeout=2))
            try:
                db["misses"].insert(
                    {
                        "question": answer.question[:500],
                        "asked_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                        "best_candidate": answer.intent,
                        "score": answer.score,
                    }
                )
            finally:
                db.close()
        except sqlite3.Error:
            pass  # a busy or read-only database must not cost the user their answer


@cache
def _cue_words() -> frozenset[str]:
    """Words of the cues for a kind of answer ("when", "how fast"): not what a figure is of."""
    # one-word cues only: "patent year" asks for a date, but "patent" names patents
    wants = load_vocabulary().wants.values()
    return frozenset(w for cues in wants for cue in cues if " " not in cue for w in content_words(cue))


def _names_a_figure(word: str, index: Index) -> bool:
    """Whether a question word names what figures are of: known to them, and no answer cue."""
    return word in index.by_word and word not in _cue_words()


def _counts(group: Group) -> set[str]:
    """The words naming what a figure counts: its metric's, and the first and last of each way
    it is described ("GI products", not "engineers" in "patents engineers obtained")."""
    named = set(group.metric_parts) | {
        w for pattern in group.patterns if pattern for w in (pattern[0], pattern[-1])
    }
    # each in its canonical form too, as a question's words are ("sessions" is "edition")
    return named | {canonical for word in named for canonical in content_words(word)}


def _is_smalltalk(text: str) -> bool:
    bare = re.sub(r"[^\w\s']", " ", text).strip()
    bare = " ".join(bare.split())
    return bare in {s.lower() for s in load_vocabulary().smalltalk} or bare.startswith("/start")


def _is_followup(text: str, words: list[str], slots: Slots, subjects: set[str]) -> bool:
    vocabulary = load_vocabulary()
    opening = any(re.match(rf"{re.escape(cue)}\b", text) for cue in vocabulary.followups)
    refers_back = _refers_back(text)
    said_something = bool(words or slots.subjects or slots.periods or slots.want or slots.latest)
    if not said_something and not opening:
        return False  # "ok", "lol", "<b>hi</b>": nothing to follow up with
    return (
        opening
        or refers_back
        or not words
        or (not slots.subjects and len(words) <= 2)
        or (
            # "how many litres did Britain and France import?" after the Helan Mountain wine:
            # places no figure belongs to, named in a short question, are details of the last topic
            bool(slots.subjects) and not any(s in subjects for s in slots.subjects) and len(words) <= 3
        )
    )


def _periods_told(facts: list[Fact]) -> str:
    """The periods a figure is given for, in words: "the end of September 2024 and June 2025"."""
    return " and ".join(period_label(p) for p in sorted({f.period for f in facts}))


def _beside_release(text: str, period: QuestionPeriod) -> bool:
    """Whether a period is next to a release word ("the 2024 article", "the August press
    conference"): it names when a figure was reported, not the time it is for."""
    return bool(REPORTED_BEFORE.search(text[: period.start]) or REPORTED_AFTER.match(text[period.end :]))


def asked_label(period: QuestionPeriod) -> str:
    """The period a question asked for, readably: 'the end of September 2024', 'June'."""
    if period.value == UNRESOLVED:
        return f"'{period.text}'"
    if period.value.startswith("*-"):
        return calendar.month_name[int(period.value[2:])]
    return period_label(period.value)


def _refers_back(text: str) -> bool:
    """Whether a question points back at the previous figure ("that", "it", "the same")."""
    words = set(re.findall(r"[a-z']+", text))
    return any(set(reference.lower().split()) <= words for reference in load_vocabulary().back_references)
