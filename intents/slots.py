"""Read the slots of a question: the period it names, the subjects it names, and the kind of
answer it wants. Pure functions over normalized text."""

from __future__ import annotations

import calendar
import datetime as dt
import itertools
import re
from dataclasses import dataclass, field, replace
from functools import cache

from facts.periods import MONTHS, find_periods
from intents.text import normalize, whole_words, without_spans
from intents.vocabulary import Want, load_vocabulary

# Order matters: the first kind whose cue appears wins ("how fast" before "how many").
WANT_ORDER: tuple[Want, ...] = (
    "change", "growth", "share", "ratio", "ranking", "date", "ordinal", "amount", "count",
)  # fmt: skip
BARE_YEAR = re.compile(r"(?<![\d,.])(19[5-9]\d|20\d\d)(?![\d,])")
MID_YEAR = re.compile(r"\b(?:mid|middle of)[- ]?(19[5-9]\d|20\d\d)\b")
END_MONTH = re.compile(
    r"\bend[- ](jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+(\d{4})\b"
)
# "end-2024", "year-end 2024", "2024 year-end": the end of that year, not any time in it
YEAR_END = re.compile(
    r"\b(?:year[- ]end|end)[- ](?:of[- ])?((?:19|20)\d\d)\b|\b((?:19|20)\d\d)[- ]year[- ]end\b"
)
# "September-end 2024", "Sept-end": the end of that month
MONTH_END = re.compile(r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?[- ]end\b")


@dataclass(frozen=True)
class QuestionPeriod:
    """A period a question names: '2024-09' or '2024', '*-06' for a month without a year,
    or '' for 'latest / now'."""

    value: str
    text: str
    start: int
    end: int


HALF_YEAR = re.compile(r"\b(?:the\s+)?half[- ]year(?:\s+mark)?(?:\s+of)?\s+(\d{4})\b")
QUARTER = re.compile(r"\bq([1-4])\s*(?:of\s+)?(\d{4})\b")
QUARTER_WORDS = {"1": "first", "2": "second", "3": "third", "4": "fourth"}
QUARTER_END = re.compile(
    r"\bend of (?:the )?(?:q([1-4])|(first|second|third|fourth) quarter)\b(?!\s+(?:of\s+)?(?:19|20)\d\d)"
)
# the month a quarter ends in, by its number or its word: "3" and "third" are September
QUARTER_LAST_MONTH = {
    key: calendar.month_name[3 * int(number)].lower()
    for number, word in QUARTER_WORDS.items()
    for key in (number, word)
}


def rewrite_periods(text: str) -> str:
    """Spell out short period forms ('mid-2025', 'end-Sept 2024', 'Q3 2024') so they parse
    like the rest."""
    text = MID_YEAR.sub(lambda m: f"june {m.group(1)}", text)
    text = HALF_YEAR.sub(lambda m: f"the first half of {m.group(1)}", text)
    text = re.sub(r"\bmid-?year\b", "june", text)
    text = re.sub(r"\b(?:these days|nowadays|at present|presently)\b", "now", text)
    text = re.sub(r"\b(?:the\s+)?close of\b", "the end of", text)
    text = re.sub(r"\bend[- ]q([1-4])\b", r"end of q\1", text)
    text = QUARTER.sub(lambda m: f"the {QUARTER_WORDS[m.group(1)]} quarter of {m.group(2)}", text)
    # "the end of Q3" with no year: the end of September, of whichever year has a figure then
    text = QUARTER_END.sub(lambda m: f"end of {QUARTER_LAST_MONTH[m.group(1) or m.group(2)]}", text)
    text = MONTH_END.sub(lambda m: f"end of {m.group(1)}", text)
    text = YEAR_END.sub(
        lambda m: f"the end of {m.group(1) or m.group(2)}", text
    )  # "end-2024", "year-end 2024"
    return END_MONTH.sub(lambda m: f"end of {m.group(1)} {m.group(2)}", text)


@dataclass
class Slots:
    """What a question names besides the figure it asks for."""

    text: str = ""  # the normalized question the spans refer to
    periods: list[QuestionPeriod] = field(default_factory=list)
    subjects: list[str] = field(default_factory=list)
    want: Want | None = None
    want_inherited: bool = False  # taken from the conversation, not said in this question
    latest: bool = False
    earlier: bool = False  # "and in the previous report?": the figure before the one in view
    # the period of the figure a follow-up points back at ("how many products is that?"): used
    # when the new figure has it, else the latest
    preferred_period: str | None = None
    quoted: list[float] = field(default_factory=list)  # figures the question itself gives
    # ...that the figure asked about must have ("went from 931 to ...", or one several figures share)
    unplaced: list[float] = field(default_factory=list)
    source_id: str | None = None  # the release a question names by its title
    since: list[str] = field(default_factory=list)  # where a running total starts ("since December 2021")
    since_start: bool = False  # "since it opened": a running total from the thing's start
    spans: list[tuple[int, int]] = field(default_factory=list)  # text of the periods
    subject_spans: list[tuple[int, int, str]] = field(default_factory=list)


# Periods relative to something the question does not pin down ("a year earlier", "the year
# before"): no figure is given for them rather than one for a period that was not asked.
RELATIVE = re.compile(
    r"\b(?:a|one|two|three|\d+) (?:year|month|quarter)s? (?:earlier|before|ago|prior|later|after)\b"
    r"|\b(?:the )?(?:previous|prior|preceding|following|next) (?:year|month|quarter)\b"
    r"|\bthe year before\b|\bbefore that\b|\bafter that\b"
)
UNRESOLVED = "?"
OUTSIDE = re.compile(r"\b(?:before|prior to|earlier than|after|later than|since before)\s+(?:the\s+)?$")
YEARS_AGO = re.compile(r"(a|one|two|three|\d+) years? ago")
YEAR_WORDS = {"a": 1, "one": 1, "two": 2, "three": 3}
COMPARISON_BASE = re.compile(
    r"\b(?:versus|vs\.?|compared (?:to|with)|than|over|from|on|against)\s+(?:the\s+)?$"
)


def question_periods(text: str, today: dt.date) -> list[QuestionPeriod]:
    """Periods named in a normalized question, resolved against today's date."""
    found: list[QuestionPeriod] = []
    for match in RELATIVE.finditer(text):
        # "up 10.5 percent versus the prior year": the base of a growth rate, not a period asked
        if COMPARISON_BASE.search(text[: match.start()]):
            continue
        ago = YEARS_AGO.fullmatch(match.group(0))
        if ago:  # "two years ago" counts back from today
            count = ago.group(1)
            value = str(today.year - (YEAR_WORDS[count] if count in YEAR_WORDS else int(count)))
            found.append(QuestionPeriod(value, match.group(0), match.start(), match.end()))
        else:
            found.append(QuestionPeriod(UNRESOLVED, match.group(0), match.start(), match.end()))
    for period in find_periods(text, today.isoformat()):
        value = period.value
        month_only = re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", value or "") and not re.search(
            r"\d{4}|this year|last year", period.text
        )
        if month_only:
            value = f"*-{value[5:7]}"
        outside = OUTSIDE.search(text[: period.start])
        if outside:  # "before June 2025": some time the releases do not pin down
            found.append(
                QuestionPeriod(UNRESOLVED, outside.group(0) + period.text, outside.start(), period.end)
            )
            continue
        found.append(QuestionPeriod(value, period.text, period.start, period.end))
    taken = [(p.start, p.end) for p in found]
    for match in BARE_YEAR.finditer(text):
        if not any(a <= match.start() < b for a, b in taken):
            found.append(QuestionPeriod(match.group(1), match.group(1), match.start(), match.end()))
    months = [p for p in found if p.value.startswith("*-")]
    years = [p for p in found if re.fullmatch(r"\d{4}", p.value)]
    if len(months) == 1 == len(years) and len(found) == 2 and not TWO_TIMES.search(text):
        # "in 2024, by what percent ... (the end-September figure)?": one time, told in two places
        month, year = months[0], years[0]
        found = [replace(month, value=f"{year.value}{month.value[1:]}")]
    return sorted(found, key=lambda p: p.start)


# Words setting two times apart ("September versus 2023"), which are not one time told twice.
TWO_TIMES = re.compile(r"\b(?:than|compared|versus|vs|from|between|since|to|and|or)\b")


# The month a half or a run of quarters ends in: a figure "as of June 2025" answers "the
# first half of 2025" (and the answer says "as of June 2025").
PERIOD_END_MONTH = {"H1": "06", "H2": "12", "Q1": "03", "Q2": "06", "Q3": "09", "Q4": "12", "Q1-Q3": "09"}


def period_matches(asked: str, fact_period: str) -> bool:
    """Whether a fact's period answers the period asked: one is a prefix of the other
    ('2024' answers with '2024-09-30'), the month matches for '*-06', or a half or quarter ends
    in the fact's month."""
    if asked == UNRESOLVED:
        return False
    if asked.startswith("*-"):
        return len(fact_period) >= 7 and fact_period[5:7] == asked[2:]
    if len(asked) == 10 and len(fact_period) == 7 and asked.startswith(fact_period):
        # "at the end of June 2025" is answered by a figure "as of June 2025"
        year, month, day = (int(part) for part in asked.split("-"))
        return day == calendar.monthrange(year, month)[1]
    for one, other in ((asked, fact_period), (fact_period, asked)):
        if "-H" in one or "-Q" in one:
            month = PERIOD_END_MONTH.get(one[5:])
            return one == other or (month is not None and other[:7] == f"{one[:4]}-{month}")
    # A fact as of a day or month answers a question about its year, not the other way round:
    # a figure "as reported in 2024" does not answer "at the end of September 2024".
    return fact_period.startswith(asked)


@cache
def want_patterns() -> dict[str, re.Pattern[str]]:
    """One compiled regex of cue phrases per kind of answer."""
    return {want: whole_words(cues) for want, cues in load_vocabulary().wants.items()}


def wanted_kind(text: str, period_count: int = 0) -> Want | None:
    """The kind of answer a normalized question asks for, from its cue words: a change when
    it names two periods (or asks 'how many more'), else the first kind whose cue it uses."""
    patterns = want_patterns()
    # "what number of" asks how many (not "what number", the 18th); "high growth enterprises"
    # asks no growth rate
    text = re.sub(r"\bwhat (?:is |was )?(?:the )?number of\b", "how many", text)
    text = re.sub(r"\b(?:at|to|reached|reach) what number\b", "how many", text)  # "stood at what number?"
    text = re.sub(r"\bhigh growth\b", "high-growth", text)
    text = re.sub(r"\b(?:add|adds|added) up to\b", "total", text)  # a sum, not a change
    # "when people say 'western China', how many provinces is that?": a count asked, not a date
    text = re.sub(r"^when\b(?=.*\bhow (?:many|much)\b)", "", text)
    # "the output when expressed in US dollars": a unit asked for, not a date
    text = re.sub(r"\bwhen (?:expressed|converted|measured|given|stated|put|written|shown)\b", "", text)
    if RATIO_PER.search(text):
        return "ratio"  # "output value per western GI product": a figure divided, never given
    hits = [want for want in WANT_ORDER if want in patterns and patterns[want].search(text)]
    if STRONG_CHANGE.search(text) or ("change" in hits and period_count >= 2):
        return "change"
    if CHANGED_BY.search(text) and not RATE_CUES.search(text):
        return "change"  # "so how much did it change?": by how much, not how many now
    moved = "growth" in hits or GROWTH_WORD.search(text)
    if moved and period_count >= 2 and not RATE_CUES.search(text):
        return "change"  # "how did GI products rise from 2024 to June 2025?"
    if re.search(r"\babsolute (?:number|figure|count|total|level)\b", text):
        return "count"  # "and what's the absolute number now?" after a rate: the count, not the rate
    hits = [h for h in hits if h != "change"]
    if hits[:1] == ["share"] and HOW_MANY_THINGS.match(text):
        return "count"  # "how many enterprises were picked, a quarter of the national total?"
    if WHICH_PLACE.search(text) and SUPERLATIVE.search(text):
        return "ranking"  # "which western province has the most patents, and how many?": a place
    if not hits and WHICH_PLACE.search(text):
        return "ranking"  # "which western region has 211 GIs?": a place asked for, not a figure
    if not hits and WHICH_EVENT.search(text):
        return "ordinal"  # "which China-EU Heads of IP Offices Meeting was held in Chengdu?"
    return hits[0] if hits else None


RATIO_PER = re.compile(
    r"\bper (?:\w+ ){0,2}(?:products?|patents?|trademarks?|gis?|enterprises?|compan(?:y|ies)|firms?|persons?|people"
    r"|residents?|inhabitants?|workers?|employees?|jobs?|provinces?|cit(?:y|ies)|regions?|countr(?:y|ies)|events?"
    r"|trips?|passengers?|capita|head|employed|staff|day|month|week|hectares?)\b"
    # "per square kilometre", "per sheep": any per, but "per the report", "per CNIPA", "per year"
    r"|\bper (?!(?:the|a|an|its|their|our|this|that|these|those|cent|year|annum|yr|cnipa|official|data|reports?"
    r"|releases?|articles?|press|xinhua|figures?|sources?|government|statistics|latest|recent|annual)\b)[a-z]+"
    r"|(?<!national )(?<!growth )\baverage\b(?! (?:growth|rate))"
    r"|\bon average\b|\beach (?:\w+ ){0,2}(?:provinces?|cit(?:y|ies)|regions?|enterprises?|compan(?:y|ies)|firms?"
    r"|countr(?:y|ies)|persons?|residents?)\b"
)
HOW_MANY_THINGS = re.compile(
    r"^\W*(?:(?:and|so|but|ok|okay)\W+)?how many\b(?!\s+(?:percent|percentage|%|points?)\b)"
)
SUPERLATIVE = re.compile(r"\b(?:most|highest|largest|biggest|fewest|least|lowest|smallest|top|leading)\b")
WHICH_PLACE = re.compile(
    r"\bwhich (?:[a-z]+ ){0,2}(?:provinces?|regions?|cit(?:y|ies)|countr(?:y|ies)|places?|areas?)\b"
    r"(?! (?:of|in) (?:the )?(?:report|release|article))"
)
WHICH_EVENT = re.compile(
    r"^(?:which|what)\b.*\b(?:meeting|session|edition|forum|fair|expo|(?<!press )conference)\b"
)  # "at its August press conference" says where a figure was given, not which event is asked


GROWTH_WORD = re.compile(
    r"\b(?:rise|rose|risen|grew|grow|growth|increase|increased|gain|gained|climb|climbed|jump|jumped)\b"
)
STRONG_CHANGE = re.compile(
    r"\b(how many more|how much more|difference|gap|change (?:from|between|since)|(?<!year-on-year )(?<!year on year )(?<!yoy )(?<!percentage )change in|added|additional|net (?:gain|increase)"
    r"|minus|subtract(?:ed|ing)?|add|adds|(?<!high )gain(?:ed|s)?(?! (?:recognition|protection|approval|status|entry|access|a|an|the)\b))\b"
)

# Words asking for a rate, not for the change between two counts ("grew 16.7 percent year-on-year").
RATE_CUES = re.compile(r"year[- ]on[- ]year|yoy|percent|%|\brates?\b")
CHANGED_BY = re.compile(r"\bhow (?:much|many) (?:[\w']+ ){0,4}?chang(?:e|ed)\b")


def month_name(number: int) -> str:
    return next(name for name, value in MONTHS.items() if value == number and len(name) > 3).title()


# The figure before the one in view, as a release gave it ("the earlier CNIPA report", "the
# previous figure"); "the previous year" and "before that" are periods (RELATIVE), not this.
EARLIER_FIGURE = re.compile(
    r"\b(?:earlier|previous|prior|preceding|older)\s+(?:[\w'-]+\s+){0,2}?"
    r"(?:reports?|releases?|figures?|numbers?|data|counts?|tally|one|articles?|statistics?|reading)\b"
    r"|\bthe one before\b"
)
# A running total from a thing's start, with no date ("since it opened", "since its launch").
SINCE_START = re.compile(
    r"\bsince (?:it|its|they|their|the [\w-]+) ?(?:opened|opening|open|started|start|began|launch(?:ed)?"
    r"|debut|inauguration|operation|operations|went into service|entered service)\b"
    r"(?![^?.,;]*\b(?:19|20)\d\d\b)"  # "since it opened in December 2021" names its start
)
# "as cited in the article on western China's IP": what a release is about, not what is asked
RELEASE_TOPIC = re.compile(
    r"\b(?:article|report|release|piece|story|feature|briefing)s?\s+(?:on|about|covering|regarding)\s+([^,;?.!]*)"
)
# Quotation marks around words ("the 'photovoltaic sheep' park"), not an apostrophe in one
# ("Xi'an", "China's"): names are found as if unquoted.
QUOTE_MARKS = re.compile(r"\"|(?<![a-z])'|'(?![a-z])")
# "IP officer here: ...", "journalist here, ...": who is asking, not what
INTRODUCTION = re.compile(r"^[\w\s,'-]{0,40}?\bhere\s*[:,;.!-]+\s*")
# A long question may tell a story before it asks ("I'm drafting a note for a delegation in
# Vientiane and the railway keeps being called patent-rich. Could you tell me how many patents
# were obtained while it was being built?"). Clauses end at sentence marks, dashes and "but";
# the asking clause is the last with an asking word, from that word when a request leads to it
# ("could you tell me how many ...", "what I need is how much ...").
CLAUSE_END = re.compile(  # not the full stop of "co.", "etc." or "vs."
    r"(?<!\bco)(?<!\betc)(?<!\bvs)(?<!\bno)(?<!\bst)[.?!;:](?=\s|$)|\s-\s|,\s+(?:but|so)\s"
)
ASKING = re.compile(
    r"\b(?:how (?:many|much|fast|quickly|big|large|high|long)|what|which|when|in (?:what|which) year)\b"
)
REQUEST = re.compile(r"\b(?:(?:tell|remind|show|give) me|know|wonder(?:ing)?|is|ask(?:s|ing)?)\s*$")
# Shorter than this (in words), a question is read whole.
STORY_MIN_WORDS = 10


def asking_clause(text: str) -> tuple[str, str] | None:
    """The clause of a long, normalized question that asks, and the story around it; None
    for a question that is all asking."""
    if len(text.split()) < STORY_MIN_WORDS:
        return None
    bounds = [0, *(m.end() for m in CLAUSE_END.finditer(text)), len(text)]
    for start, end in reversed(list(itertools.pairwise(bounds))):
        cues = list(ASKING.finditer(text, start, end))
        if not cues:
            continue  # "Can you help?" after the question asks nothing of its own
        begin = next((c.start() for c in cues if REQUEST.search(text, start, c.start())), start)
        clause = text[begin:end]
        if len(clause.split()) < 3:
            continue
        story = f"{text[:begin]} {text[end:]}".strip()
        return (clause, story) if len(story.split()) >= 4 else None
    return None


def read_slots(question: str, today: dt.date, subject_finder: SubjectFinder) -> Slots:
    """Every slot of a question."""
    text = rewrite_periods(INTRODUCTION.sub("", QUOTE_MARKS.sub("", normalize(question))))
    since_start = SINCE_START.search(text)
    if since_start:  # a time, not words of a figure ("opened" is no "start" asked about)
        text = without_spans(text, [since_start.span()])
    subject_spans = subject_finder.find(text)
    topics = [m.span(1) for m in RELEASE_TOPIC.finditer(text)]
    asked = [s for s in subject_spans if not any(a <= s[0] < b for a, b in topics)]
    if asked and len(asked) < len(subject_spans):
        # the release's topic is no word to match, period or kind of answer either; the text
        # keeps its length (spans)
        subject_spans = asked
        text = without_spans(text, topics)
    slots = Slots(text=text, since_start=bool(since_start), subject_spans=subject_spans)
    periods = question_periods(text, today)
    slots.periods = [p for p in periods if p.value]
    slots.latest = any(not p.value for p in periods) or bool(
        re.search(r"\b(latest|newest|most recent|current|currently|now|today|so far|to date)\b", text)
    )
    slots.earlier = bool(EARLIER_FIGURE.search(text)) and not slots.latest
    slots.want = wanted_kind(text, len(slots.periods))
    slots.subjects = list(dict.fromkeys(name for _, _, name in slots.subject_spans))
    slots.spans = [(p.start, p.end) for p in slots.periods]
    return slots


class SubjectFinder:
    """Finds the subjects a question names: fact subjects, their aliases, and gazetteer places
    (so that a place the table has no figures for is recognised as such)."""

    def __init__(self, names: dict[str, str]) -> None:
        # names: lower-case alias -> subject name
        self.names = names
        self.pattern = whole_words(names)
        self.single_words = [a for a in names if " " not in a and len(a) >= 5]

    def find(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, subject name) of every subject named in normalized text."""
        from rapidfuzz import fuzz, process

        found: list[tuple[int, int, str]] = []
        for match in self.pattern.finditer(text):
            found.append((*match.span(), self.names[match.group(0)]))
        spans = [(a, b) for a, b, _ in found]
        # Misspelt place names ("guangxy", "qinhai"): compare unmatched long words with
        # single-word names. 88 keeps "guangxy"->"guangxi" and rejects "western"->"eastern".
        for word in re.finditer(r"(?<![\w-])[a-z']{5,}(?![\w-])", text):
            if any(a <= word.start() < b for a, b in spans) or word.group(0) in self.names:
                continue
            best = process.extractOne(
                word.group(0), self.single_words, scorer=fuzz.ratio, score_cutoff=SUBJECT_TYPO_CUTOFF
            )
            if best and word.group(0) not in COMMON_WORDS:
                found.append((*word.span(), self.names[best[0]]))
        return sorted(found)


# rapidfuzz ratio for a misspelt place name: 85 takes one swapped or doubled letter in a
# 7-letter name ("guangxy", "westren" -> Guangxi, western); below 85 the dev set began to see
# ordinary words taken for places.
SUBJECT_TYPO_CUTOFF = 85
COMMON_WORDS = frozenset(
    [
        "patents",
        "patent",
        "trademarks",
        "chinese",
        "products",
        "product",
        "growth",
        "region",
        "regions",
        "number",
        "railway",
        "western",
        "eastern",
        "northern",
        "southern",
        "national",
        "country",
        "countries",
        "cities",
        "islands",
    ]
)
