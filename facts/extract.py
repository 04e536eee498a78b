"""Press release text -> facts: every figure with what it measures, whose it is, when, and the
verbatim sentence it stands in. Pure functions; no I/O."""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from dataclasses import dataclass

from facts.models import Fact, Source
from facts.numbers import Figure, find_figures
from facts.periods import Period, find_periods
from facts.places import PlaceList, find_places, place_lists

ABBREVIATIONS = ("U.S.", "Co.", "Ltd.", "No.", "Mr.", "Ms.", "Dr.", "St.", "e.g.", "i.e.", "etc.")
SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’]?\s+(?=[\"“‘(]?[A-Z0-9])")
# Words that end the noun phrase a number counts ("531,000 valid invention patents, ...").
PHRASE_STOPS = {
    "in", "of", "from", "for", "with", "during", "since", "along", "at", "by", "on", "to",
    "across", "into", "under", "over", "between", "within", "through", "per", "as", "than",
    "was", "were", "is", "are", "be", "been", "being", "have", "has", "had", "will", "would",
    "which", "that", "who", "whose", "where", "while", "when", "each", "all", "both",
    "also", "respectively", "accounting", "reaching", "up", "down", "compared", "generating",
    "spanning", "covering", "continue", "continues", "this", "these", "those", "its", "their",
    "the", "a", "an", "last", "year-on-year", "annually", "every", "worth", "valued", "totaling",
    "totalling", "amounting", "involving",
}  # fmt: skip
# Participles describe the noun before it ("approved GI trademarks") or after it ("patents
# granted"): they end the phrase only once it has its noun.
PARTICIPLE = re.compile(r"\w+(?:ed|en)$", re.IGNORECASE)
# Units of two words that name what is counted better than their last word alone.
COMPOUND_UNITS = {"passenger trips", "trade marks", "square kilometers", "person-times"}
# Names of organisations: the place inside "China National Intellectual Property
# Administration" is not the subject of the sentence it stands in.
ORGANISATION = re.compile(
    r"(?:[A-Z][\w’'.-]*\s+(?:(?:of|and|for|the)\s+)?)+(?:Administration|Organization|Organisation|"
    r"Office|Offices|Department|Institute|University|Government|Bureau|Ministry|Council|Network|"
    r"Association|Committee|Court|Academy|Agency|Commission|Co Ltd|Co\.|Ltd\.?|Group|Corporation)\b"
)
LEADING_DROPS = {"the", "a", "an", "its", "their", "this", "these", "those", "total", "of"}
GROWTH_CUES = re.compile(
    r"\b(up|rose|rise|rising|risen|increase[sd]?|increasing|grew|grow(?:th|ing|n)?|year-on-year|"
    r"down|fell|fall|falling|decline[sd]?|declining|drop(?:ped)?|decrease[sd]?|outperform\w*)\b",
    re.IGNORECASE,
)
DECLINE_CUES = re.compile(r"\b(down|fell|fall|falling|decline[sd]?|drop(?:ped)?|decrease[sd]?)\b", re.I)
# Head words that make a capitalised name a thing a figure can belong to (not an organisation).
THING_HEADS = (
    "Railway|Park|Desert|Mountain|Mountains|Bridge|Port|Zone|Plan|Project|Programme|Program|"
    "Center|Centre|Exchange|Meeting|Forum|Fair|Expo|Exposition|List|Corridor|Tunnel|Dam|Airport"
)
ENTITY = re.compile(
    r"(?:[A-Z][\w’'.]*(?:[-–][A-Za-z][\w’']*)*)(?:\s+(?:(?:of|and|for|the)\s+)?(?:\([A-Z][\w’']*\)|[A-Z][\w’'.]*(?:[-–][A-Za-z][\w’']*)*))*"
    rf"\s+(?:{THING_HEADS})\b"
)
# "WUHAN -- " at the start of a release: where it was filed, not whose figures follow.
DATELINE = re.compile(r"^[A-Z][A-Z'’ .]+\s*(?:--|—|–)\s*", re.MULTILINE)
# Places too broad to stand for the organisation that carries their name (the China National
# Intellectual Property Administration is not "China").
BROAD_PLACES = frozenset(
    {"China", "western China", "eastern China", "central China", "northeast China", "northwest China",
     "southwest China", "north China", "south China"}
)  # fmt: skip
ANAPHORS = re.compile(
    r"\b(?:It|it|the (?:regions?|province|city|park|railway|area|product|municipality)|"
    r"these (?:regions|cities|areas)|this area|the latter)\b"
)
MEASURE_METRICS = {
    "square kilometers": "area",
    "hectares": "area",
    "kWh": "electricity generated",
    "liters": "volume",
    "tons": "weight",
    "kilometers": "length",
}
UNIT_NAMES = {
    "gis": "geographical indications",
    "trade marks": "trademarks",
    "marks": "trademarks",
    "tms": "trademarks",
}
WORD = re.compile(r"[\w’'-]+|[^\w\s]")


@dataclass
class Sentence:
    """A sentence of a release and where it starts."""

    start: int
    text: str
    paragraph: int


def split_sentences(text: str) -> list[Sentence]:
    """Sentences of a release, paragraph by paragraph, with their offsets in the text."""
    sentences = []
    offset = 0
    for number, line in enumerate(text.split("\n")):
        position = 0
        for boundary in SENTENCE_END.finditer(line):
            before = line[: boundary.start()]
            if before.endswith(ABBREVIATIONS):
                continue
            _add_sentence(sentences, offset, line, position, boundary.start(), number)
            position = boundary.end()
        _add_sentence(sentences, offset, line, position, len(line), number)
        offset += len(line) + 1
    return sentences


def _add_sentence(
    sentences: list[Sentence], offset: int, line: str, start: int, end: int, paragraph: int
) -> None:
    chunk = line[start:end]
    stripped = chunk.strip()
    if stripped:
        lead = len(chunk) - len(chunk.lstrip())
        sentences.append(Sentence(offset + start + lead, stripped, paragraph))


def extract_facts(source: Source) -> list[Fact]:
    """Every figure in a release, as facts citing their sentence."""
    default_subject = main_subject(source.text, source.title)
    facts: list[Fact] = []
    running_subject = default_subject
    paragraph_period: tuple[int, Period] | None = None
    for sentence in split_sentences(source.text):
        periods = find_periods(sentence.text, source.published)
        figures = [f for f in find_figures(sentence.text) if not _inside_period(f, periods)]
        stated = [p for p in periods if not p.is_event]
        if paragraph_period and paragraph_period[0] != sentence.paragraph:
            paragraph_period = None
        # Whose figures a sentence gives is said before its first figure ("Jiangsu companies
        # assisted 260 enterprises ... in the United States": Jiangsu's, not America's).
        first_figure = min((f.start for f in figures), default=len(sentence.text))
        explicit_subject = sentence_subject(sentence.text[:first_figure])
        named = {name for _, _, name in places_in(sentence.text[:first_figure])}
        is_thing = explicit_subject is not None and explicit_subject not in named
        if explicit_subject and not ANAPHORS.match(sentence.text) and (is_thing or len(named) <= 2):
            running_subject = explicit_subject
        previous: list[Fact] = []
        for figure in figures:
            if figure.kind == "year":
                continue  # a bare year is a period or a date; dates come from `periods` below
            period = _period_for(sentence.text, figure.start, stated, paragraph_period, source.published)
            fact = _fact(source, sentence, figure, period, previous, running_subject)
            previous.append(fact)
        for period in periods:
            if period.is_event and period.value:
                previous.append(_date_fact(source, sentence, period, running_subject))
        previous += _event_dates(source, sentence, stated, previous)
        for listed in place_lists(sentence.text):
            period = _period_for(sentence.text, listed.start, stated, paragraph_period, source.published)
            counted = _listed_count(source, sentence, listed, period, previous, running_subject)
            if counted:
                previous.append(counted)
        facts.extend(sorted(previous, key=lambda f: f.quote_start + _figure_offset(f)))
        if stated:
            paragraph_period = (sentence.paragraph, stated[0])
    return _distinguish_namesakes(facts)


def _distinguish_namesakes(facts: list[Fact]) -> list[Fact]:
    """Two figures of one release with the same metric and subject are one figure over time only
    when both state their period ("412,600 at the end of 2024, up from 349,000 a year earlier").
    Otherwise ("41 GI products recognized ... twelve GI products selected for a campaign") the
    later one is a different thing: its metric takes the words that follow it, so it is never
    given as the other's latest value."""
    seen: dict[tuple[str, str], Fact] = {}
    result = []
    for fact in facts:
        key = (fact.metric.lower(), fact.subject)
        earlier = seen.get(key)
        over_time = earlier and earlier.period_text and fact.period_text and earlier.period != fact.period
        other_currency = earlier and earlier.period == fact.period and earlier.unit != fact.unit
        if earlier and not over_time and not other_currency:
            fact = dataclasses.replace(fact, metric=_metric_in_context(fact))
        seen.setdefault((fact.metric.lower(), fact.subject), fact)
        result.append(fact)
    return result


def _metric_in_context(fact: Fact) -> str:
    """The metric followed by the words after it in its sentence, up to the clause's end."""
    offset = _figure_offset(fact)
    rest = fact.quote[offset + len(fact.figure) :]
    clause = re.split(r"[,;.:()]|\s-\s|—", rest, maxsplit=1)[0]
    lead = re.split(r"[,;:()]|\s-\s|—|\band\b", fact.quote[:offset])[-1].split()[-4:]
    words = [w.strip("\"“”'") for w in [*lead, "…", *clause.split()[:10]]]
    described = " ".join(w for w in words if w).strip(" …")
    if fact.metric.lower() in described.lower():
        return described
    return f"{fact.metric} ({described})" if described else f"{fact.metric} (second mention)"


def _figure_offset(fact: Fact) -> int:
    return int(fact.id.rsplit("-", 1)[1]) - fact.quote_start


def _inside_period(figure: Figure, periods: list[Period]) -> bool:
    return any(p.start <= figure.start < p.end for p in periods)


def clause_bounds(sentence: str, position: int) -> tuple[int, int]:
    """The comma-, semicolon- or dash-delimited clause around a position in a sentence."""
    # A comma between digits ("1,876") separates thousands, not clauses.
    marks = [m.start() for m in CLAUSE_MARK.finditer(sentence)]
    start = max((m for m in marks if m < position), default=-1)
    end = min((m for m in marks if m >= position), default=len(sentence))
    return start + 1, end


CLAUSE_MARK = re.compile(r",(?!\d)|;|—| - |:(?!\d)")


def _period_for(
    sentence: str, position: int, stated: list[Period], paragraph_period: tuple[int, Period] | None,
    published: str,
) -> tuple[str, str | None]:  # fmt: skip
    """The period a figure refers to: one stated in its clause, else the nearest stated one
    before it in its sentence, else after it, else the one the paragraph set, else the release
    date."""
    start, end = clause_bounds(sentence, position)
    in_clause = [p for p in stated if start <= p.start < end]
    before = [p for p in stated if p.end <= position]
    after = [p for p in stated if p.start > position]
    chosen = in_clause[0] if in_clause else before[-1] if before else after[0] if after else None
    if chosen is None and paragraph_period:
        chosen = paragraph_period[1]
    if chosen is None or not chosen.value:
        return published, chosen.text if chosen else None
    return chosen.value, chosen.text


def main_subject(text: str, fallback: str) -> str:
    """The place a release is mostly about: its most often named place (other than China as a
    whole); China if that is the only one; else `fallback` (the release's title), never a guess."""
    counts = Counter(name for _, _, name in places_in(text))
    specific = [name for name, _ in counts.most_common() if name != "China"]
    return specific[0] if specific else "China" if counts else fallback


def places_in(text: str) -> list[tuple[int, int, str]]:
    """Places named in a text, leaving out datelines ("WUHAN --") and places inside the names
    of organisations and things ("East Lake High-tech Development Zone")."""
    organisations = [m.span() for m in ORGANISATION.finditer(text)]
    masked = (
        organisations
        + [m.span() for m in ENTITY.finditer(text)]
        + [m.span() for m in DATELINE.finditer(text)]
    )
    places = find_places(text)
    found = [p for p in places if not any(a <= p[0] < b for a, b in masked)]
    if not found:
        # "The Jiangsu High People's Court said ...": the court's province, if nothing else
        found = [
            p for p in places if p[2] not in BROAD_PLACES and any(a <= p[0] < b for a, b in organisations)
        ]
    return found


def sentence_subject(text: str) -> str | None:
    """The first place or named thing a sentence mentions, if any."""
    candidates = [(start, name) for start, _, name in places_in(text)]
    candidates += [(m.start(), m.group(0)) for m in ENTITY.finditer(text)]
    if not candidates:
        return None
    start, name = min(candidates)
    # "Northwest China's Qinghai province": the more specific place that follows wins.
    following = [n for s, n in sorted(candidates) if s > start and s - start < 30]
    if name in BROAD_PLACES and following:
        return following[0]
    return name


def _subject_near(sentence: str, figure: Figure, running_subject: str) -> str:
    """Whose figure it is: the nearest place named in its clause before it, else the first in
    its sentence before it, else one it is said to be 'in' or 'from', else the running subject."""
    if figure.kind == "ordinal":
        entity = ENTITY.match(sentence, figure.end + 1)
        if entity:
            return entity.group(0)
    head = sentence[: figure.start]
    if len({name for _, _, name in places_in(head)}) > 2:
        return running_subject  # a list of places: the figure belongs to the region as a whole
    clause_start, _ = clause_bounds(sentence, figure.start)
    clause = head[clause_start:]
    # "mechanisms with the Greater Bay Area": a place after "with"/"to" is an object, not the owner.
    in_clause = [
        p for p in places_in(clause)
        if not re.search(r"\b(?:with|to|and|along|between)\s+(?:the\s+)?$", clause[: p[0]])
        or re.match(r"\s+\w+ing\b", clause[p[1] :])
    ]  # fmt: skip
    if in_clause:
        first_start, _, first = in_clause[0]
        # "Central China's Hubei province": the specific place that follows the broad one
        following = [name for start, _, name in in_clause[1:] if start - first_start < 30]
        return following[0] if first in BROAD_PLACES and following else first
    subject = sentence_subject(head)
    if subject:
        return subject
    tail = sentence[figure.unit_end : figure.unit_end + 60]
    tail_match = re.match(r"\s*(?:[\w-]+\s+){0,4}?(?:in|from|of)\s+(?:the\s+)?", tail)
    if tail_match:
        after = [n for s, _, n in places_in(tail) if s == tail_match.end()]
        if after:
            return after[0]
    return running_subject


def _fact(
    source: Source, sentence: Sentence, figure: Figure, period: tuple[str, str | None],
    previous: list[Fact], running_subject: str,
) -> Fact:  # fmt: skip
    metric, unit, kind, value = _describe(sentence.text, figure, previous)
    return Fact(
        id=f"{source.id}-{sentence.start + figure.start}",
        source_id=source.id,
        metric=metric,
        subject=_subject_near(sentence.text, figure, running_subject),
        value=value,
        unit=unit,
        kind=kind,  # type: ignore[arg-type]
        qualifier=figure.qualifier,  # type: ignore[arg-type]
        period=period[0],
        period_text=period[1],
        figure=figure.text,
        quote=sentence.text,
        quote_start=sentence.start,
        quote_end=sentence.start + len(sentence.text),
    )


def _period_core(period: Period) -> tuple[str, int]:
    """The date itself, without its preposition ("in 2018" -> "2018"), and where it starts."""
    core = re.sub(r"^(?:as\s+of|by|at|in|on|since|during)\s+(?:the\s+)?", "", period.text, flags=re.I)
    return core, period.start + period.text.find(core)


def _date_fact(source: Source, sentence: Sentence, period: Period, running_subject: str) -> Fact:
    _, core_start = _period_core(period)
    lead = sentence.text[max(0, core_start - 40) : core_start]
    cue = re.search(r"(\w+)\s+(?:in|on)\s+$", lead)
    verb = cue.group(1).lower() if cue else "date"
    metric = {
        "operation": "start of operation",
        "operations": "start of operations",
        "on": "date",
    }.get(verb, _event_metric(verb, period))
    if verb == "date":
        metric = "date"
    head = sentence.text[:core_start]
    return _dated(source, sentence, period, metric, sentence_subject(head) or running_subject)


def _event_metric(event: str, period: Period) -> str:
    return f"year {event}" if len(period.value) == 4 else f"date {event}"


def _dated(source: Source, sentence: Sentence, period: Period, metric: str, subject: str) -> Fact:
    """A fact whose figure is the date a sentence gives: the year or day of an event."""
    core, core_start = _period_core(period)
    return Fact(
        id=f"{source.id}-{sentence.start + core_start}",
        source_id=source.id,
        metric=metric,
        subject=subject,
        value=float(period.value[:4]),
        unit="year" if len(period.value) == 4 else "date",
        kind="year" if len(period.value) == 4 else "date",
        period=period.value,
        period_text=period.text,
        figure=core,
        quote=sentence.text,
        quote_start=sentence.start,
        quote_end=sentence.start + len(sentence.text),
    )


# Verbs that make a stated time the date of an event as well: "In 2021, the two sides signed an
# agreement", "The 18th ... Meeting was held in Chengdu last year". Their metric names the event
# by the verb's past form: "year held", "year signed".
EVENT_VERBS = re.compile(
    # "was held", not "patents held by universities"
    r"\b((?:(?<=was )|(?<=were )|(?<=been )|(?<=be )|(?<=is )|(?<=are ))held|signed|launched|hosted|opened|inaugurated|founded"
    r"|established|took place|takes? place)\b",
    re.IGNORECASE,
)
EVENT_VERB_FORMS = {"took place": "held", "take place": "held", "takes place": "held"}
# How far (characters) a verb may be from the time it dates: the same clause or the next one.
EVENT_REACH = 60


def _event_dates(source: Source, sentence: Sentence, stated: list[Period], facts: list[Fact]) -> list[Fact]:
    """The date of each event a sentence dates and gives a figure about: a date fact whose
    subject is the figure's nearest the verb (the 18th meeting was held last year)."""
    figures = [f for f in facts if f.kind not in {"date", "year"}]
    dated = []
    for period in stated:
        if not figures or not re.fullmatch(r"\d{4}(-\d\d){0,2}", period.value):
            continue
        distance = {
            verb: min(abs(verb.start() - period.end), abs(period.start - verb.end()))
            for verb in EVENT_VERBS.finditer(sentence.text)
        }
        near = [verb for verb, gap in distance.items() if gap <= EVENT_REACH]
        if not near:
            continue
        verb = min(near, key=distance.__getitem__)
        # each verb dates by its own time: "held ... last year, and ... will take place this year"
        if any(abs(p.start - verb.end()) < abs(period.start - verb.end()) for p in stated if p is not period):
            continue
        # the event's figure: the nearest before its verb ("The 18th ... Meeting was held"), else
        # the nearest after ("signed an agreement ... with protection of 100 Chinese GIs")
        before = [f for f in figures if _figure_offset(f) < verb.start()]
        after = [f for f in figures if _figure_offset(f) > verb.end()]
        owner = max(before, key=_figure_offset) if before else min(after, key=_figure_offset)
        event = EVENT_VERB_FORMS.get(verb.group(1).lower(), verb.group(1).lower())
        dated.append(_dated(source, sentence, period, _event_metric(event, period), owner.subject))
    return dated


# A list introduced by these gives examples, not every member: "countries such as Britain and
# France" says nothing of how many countries there are.
EXAMPLE_CUES = re.compile(
    r"\b(?:such as|including|like|e\.g\.|for example|for instance|among them|notably|especially)\s*$", re.I
)
# A list counted as a figure locates what its clause speaks of: "events have been held in A, B
# and C", "workstations in the UK and Kazakhstan".
LOCATING = re.compile(r"\s+(?:in|at|to|across)\s+(?:the\s+)?$", re.I)
PLACE_KIND_PLURALS = {"city": "cities", "country": "countries", "province": "provinces", "region": "regions"}


def _listed_count(
    source: Source, sentence: Sentence, listed: PlaceList, period: tuple[str, str | None],
    figures: list[Fact], running_subject: str,
) -> Fact | None:  # fmt: skip
    """How many places a sentence lists where something is or happened ("events have been held
    in Xi'an, Baotou and Urumqi": 3 cities), unless the list gives examples or the sentence
    states the count itself ("four major cities ... Xi'an, Chengdu, Chongqing and Lanzhou")."""
    noun = PLACE_KIND_PLURALS.get(listed.kind)
    head = sentence.text[: listed.start]
    locating = LOCATING.search(head)
    if noun is None or locating is None or EXAMPLE_CUES.search(head):
        return None
    if any(f.value == len(listed.names) for f in figures):
        return None
    clause_start, _ = clause_bounds(sentence.text, listed.start)
    what = _strip_leading(head[clause_start : locating.start()].strip())
    if not re.search(r"[a-z]", what):
        return None
    places = places_in(what)
    subject = places[0][2] if places else running_subject
    return Fact(
        id=f"{source.id}-{sentence.start + listed.start}",
        source_id=source.id,
        metric=f"{noun} where {what if places and places[0][0] == 0 else what[0].lower() + what[1:]}",
        subject=subject,
        value=float(len(listed.names)),
        unit=noun,
        kind="listed",
        period=period[0],
        period_text=period[1],
        figure=sentence.text[listed.start : listed.end],
        quote=sentence.text,
        quote_start=sentence.start,
        quote_end=sentence.start + len(sentence.text),
    )


def _describe(sentence: str, figure: Figure, previous: list[Fact]) -> tuple[str, str, str, float]:
    """(metric, unit, kind, value) of a figure, read from the words around it."""
    value = figure.value
    if figure.kind == "ordinal":
        return "edition", "ordinal", "ordinal", value
    if figure.unit == "percent" or figure.unit == "percentage points":
        return _describe_percent(sentence, figure, previous)
    if figure.kind == "amount":
        return _money_metric(sentence, figure, previous), figure.unit or "yuan", "amount", value
    if figure.kind == "measure":
        unit = figure.unit or ""
        return _measure_metric(sentence, figure, unit), unit, "measure", value
    direct_per = re.match(r"\s*per\s+([\d,]+)\s+(\w+)", sentence[figure.end :])
    phrase = "" if direct_per else _noun_phrase_after(sentence, figure.end)
    if not phrase:
        phrase = _counted_before(sentence, figure.start)
    if not phrase and previous:
        # "courts accepted 36,850 cases and concluded 35,920": the same thing as the figure before;
        # "increased by 12.3 percent to 7,450": the thing whose growth was just given
        last = previous[-1]
        if last.kind == "growth":
            thing = last.metric.removesuffix(" growth")
            return thing, _unit_of(thing), "count", value
        return last.metric, last.unit, last.kind, value
    if not phrase:
        return "figure", "units", "count", value
    unit = _unit_of(phrase)
    per = direct_per or re.match(r"\s*per\s+([\d,]+)\s+(\w+)", sentence[figure.end + len(phrase) + 1 :])
    if per:
        return (
            f"{phrase} per {per.group(1)} {per.group(2)}",
            f"{unit} per {per.group(1)} {per.group(2)}",
            "ratio",
            value,
        )
    return phrase, unit, "count", value


def _unit_of(phrase: str) -> str:
    """What a noun phrase counts: its head noun, or 'countries and regions', 'passenger trips'."""
    words = phrase.lower().split()
    last_two = " ".join(words[-2:])
    if last_two in COMPOUND_UNITS:
        return UNIT_NAMES.get(last_two, last_two)
    if len(words) == 3 and words[1] in {"and", "or"}:
        return phrase.lower()
    if words[-1] == "products" and re.search(r"\b(?:gi|geographical indications?)\b", phrase.lower()):
        return "geographical indications"
    return UNIT_NAMES.get(words[-1], words[-1])


def _noun_phrase_after(sentence: str, end: int) -> str:
    words: list[str] = []
    tokens = WORD.findall(re.sub(r"\s*\([^)]{1,20}\)", "", sentence[end:], count=1))
    for index, token in enumerate(tokens):
        lower = token.lower()
        if not re.match(r"[\w’'-]+$", token):
            break
        if words and PARTICIPLE.match(token) and lower not in {"registered", "certification"}:
            break
        if lower in {"and", "or"}:
            nxt = tokens[index + 1] if index + 1 < len(tokens) else ""
            if not words or re.match(r"\d|[A-Z]", nxt) or nxt.lower() in PHRASE_STOPS:
                break
        elif lower in PHRASE_STOPS or re.match(r"\d", token):
            break
        words.append(token)
        if len(words) >= 7:
            break
    while words and words[-1].lower() in {"and", "or"}:
        words.pop()
    return " ".join(words)


def _counted_before(sentence: str, start: int) -> str:
    """'the number of valid invention patents in the regions reached 493,000' -> the patents."""
    head = sentence[:start]
    number_of = list(
        re.finditer(
            r"number of ((?:[\w’'-]+\s){0,5}?[\w’'-]+?)(?=\s+(?:in|of|from|at|reached|stood|totaled|totalled|was|were|hit)\b)",
            head,
            re.I,
        )
    )
    if number_of:
        return number_of[-1].group(1)
    verb = re.search(
        r"((?:[\w’'-]+\s){1,8})(?:reached|stood at|totaled|totalled|hit|amounted to|was|were|numbered)\s+(?:\w+\s+)?$",
        re.split(r"[,;:]\s+", head)[-1],
        re.I,
    )
    if verb:
        # "Valid registered trademarks in the province totaled": the noun phrase, not its place
        phrase = re.sub(r"^.*[’']s\s+", "", verb.group(1).strip())  # "Zhejiang's ownership of ..."
        phrase = re.sub(
            r"^(?:the\s+)?(?:number|ownership|total|count|stock|volume)\s+of\s+", "", phrase, flags=re.I
        )
        phrase = re.split(r"\s+(?:in|of|from|at|across|for)\s+", phrase)[0]
        return _strip_leading(phrase)
    return ""


def _strip_leading(phrase: str) -> str:
    words = phrase.split()
    while words and words[0].lower() in LEADING_DROPS:
        words.pop(0)
    return " ".join(words)


def _describe_percent(sentence: str, figure: Figure, previous: list[Fact]) -> tuple[str, str, str, float]:
    window = sentence[max(0, figure.start - 60) : figure.unit_end + 40]
    after_of = re.match(r"\s+of\s+((?:[\w’'-]+\s?){1,5})", sentence[figure.unit_end :])
    counted = [f for f in previous if f.kind in {"count", "amount", "measure", "ratio"}]
    base = counted[-1].metric if counted else ""
    if GROWTH_CUES.search(window) and not re.search(r"accounting for|share of", window, re.I):
        sign = -1 if DECLINE_CUES.search(window) else 1
        growths = [f for f in previous if f.kind == "growth"]
        if growths and not counted:
            thing = growths[-1].metric.removesuffix(" growth")
        else:
            thing = base or _clause_subject(sentence, figure.start)
        unit = "percentage points" if figure.unit == "percentage points" else "percent"
        return f"{thing} growth".strip(), unit, "growth", sign * figure.value
    if after_of:
        whole = _strip_leading(after_of.group(1).strip())
        whole = re.split(r"\s+(?:and|with|in|while|which)\b", whole)[0]
        if "total" in whole.lower() and base:
            return f"share of national {base}", "percent", "share", figure.value
        return f"share of {whole}", "percent", "share", figure.value
    return (
        f"{base or _clause_subject(sentence, figure.start)} share".strip(),
        "percent",
        "share",
        figure.value,
    )


def _clause_subject(sentence: str, position: int) -> str:
    """The noun phrase a clause opens with: 'Registered trademarks also rose by ...'."""
    clause = re.split(r"[,;:]\s+", sentence[:position])[-1]
    words = []
    for token in clause.split():
        if token.lower().strip(",") in PHRASE_STOPS | {
            "saw",
            "rose",
            "grew",
            "increased",
            "reached",
            "posted",
            "recorded",
        }:
            break
        words.append(token)
    phrase = " ".join(words)
    phrase = re.sub(r"^.*[’']s\s+", "", phrase)  # "China's GDP" -> "GDP": the place is the subject
    return _strip_leading(phrase)


def _money_metric(sentence: str, figure: Figure, previous: list[Fact]) -> str:
    before = sentence[: figure.start]
    if re.search(r"\(\s*(?:US\$|\$|USD|RMB|€)?\s*$", before) and previous:
        return previous[-1].metric  # the same amount in a second currency, in brackets
    worth = re.search(
        r"((?:[\w’'-]+\s){1,6})(?:worth|valued at|totaling|totalling|amounting to)\s+(?:(?:about|nearly|over|more than|around)\s+)?(?:RMB\s?|US\$|\$)?$",
        before,
        re.I,
    )
    if worth:  # "1,245 patent pledge financing deals worth 6.3 billion yuan": their value
        thing = re.sub(r"^[\d,.]+\s+", "", _strip_leading(worth.group(1).strip()))
        return f"value of {thing}"
    of = re.search(
        r"((?:[\w’'-]+\s){1,4})of\s+(?:(?:nearly|over|about|more than|up to|around)\s+)?(?:RMB\s?|US\$|\$)?$",
        before,
        re.I,
    )
    if of:
        return _strip_leading(of.group(1).strip())
    after = re.match(r"\s*(?:in|of|for|worth)\s+((?:[\w’'-]+\s?){1,4})", sentence[figure.unit_end :])
    if after:
        return _strip_leading(re.split(r"\s+(?:and|with|in|from|for)\b", after.group(1).strip())[0])
    clause = _counted_before(sentence, figure.start)
    return clause or "amount"


def _measure_metric(sentence: str, figure: Figure, unit: str) -> str:
    name = MEASURE_METRICS.get(unit, "measure")
    of = re.match(r"\s+of\s+((?:[\w’'-]+\s?){1,4})", sentence[figure.unit_end :])
    if of and unit != "kWh":
        thing = _strip_leading(re.split(r"\s+(?:and|with|in|from|annually)\b", of.group(1).strip())[0])
        return f"{name} of {thing}" if name != "measure" else thing
    return name
