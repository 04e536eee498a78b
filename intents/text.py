"""Turn a question or a fact's description into comparable words: case, punctuation and
Unicode folded, synonyms mapped to one canonical word, plurals reduced, filler dropped."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import cache, lru_cache

from intents.vocabulary import load_vocabulary

# Longer than this and the rest of a message is not read: questions in the project's sets are
# at most 160 characters, and the cap keeps pasted documents out of the matcher.
MAX_QUESTION_CHARS = 500
# Control characters of plain ASCII text, the common case; other text is checked by category.
ASCII_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
WORD = re.compile(r"[a-z0-9\u00c0-\u024f\u4e00-\u9fff]+(?:['’\-.][a-z0-9\u4e00-\u9fff]+)*")


def whole_words(forms: Iterable[str]) -> re.Pattern[str]:
    """One regex finding any of the forms as whole words, the longest first (so "western China"
    wins over "China")."""
    alternatives = "|".join(map(re.escape, sorted(forms, key=len, reverse=True)))
    return re.compile(r"(?<![\w-])(?:" + alternatives + r")(?![\w-])")


def without_spans(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """The text with each span blanked out, the same length (so other spans still point right)."""
    characters = list(text)
    for start, end in spans:
        for position in range(start, min(end, len(characters))):
            characters[position] = " "
    return "".join(characters)


def normalize(text: str) -> str:
    """Lower case, NFKC, curly quotes and dashes made plain, control and format chars removed."""
    text = unicodedata.normalize("NFKC", text)
    if text.isascii():
        text = ASCII_CONTROL.sub("", text)
    else:  # zero-width spaces, direction marks, BOMs, private use: every control and format char
        # (whitespace stays, "\r" too, as it does in ASCII text: it still parts words)
        text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C" or ch.isspace())
    text = text.replace("’", "'").replace("‘", "'").replace("–", "-").replace("—", " - ")
    return " ".join(text.lower().split())


@cache
def _synonym_pattern() -> tuple[re.Pattern[str], dict[str, str]]:
    vocabulary = load_vocabulary()
    mapping: dict[str, str] = {}
    for canonical, variants in vocabulary.synonyms.items():
        for variant in variants:
            mapping[variant.lower()] = canonical
    alternatives = sorted(mapping, key=len, reverse=True)
    pattern = re.compile(r"(?<![\w'-])(?:" + "|".join(re.escape(a) for a in alternatives) + r")(?![\w-])")
    return pattern, mapping


def canonical_text(text: str) -> str:
    """Normalized text with every synonym phrase replaced by its canonical word."""
    pattern, mapping = _synonym_pattern()
    return pattern.sub(lambda m: mapping[m.group(0)], normalize(text))


@cache
def stopwords() -> frozenset[str]:
    return frozenset(w.lower() for w in load_vocabulary().stopwords)


def stem(word: str) -> str:
    """A light plural and possessive fold: 'patents' -> 'patent', 'cities' -> 'city'."""
    word = word.removesuffix("'s").removesuffix("'")
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def words(text: str) -> list[str]:
    """The words of already canonical text, in order."""
    return WORD.findall(text)


def content_words(text: str) -> list[str]:
    """The meaningful words of a text: canonical, stemmed, without stopwords or bare numbers."""
    return list(_content_words(text))


ORDINAL = re.compile(r"\d+(?:st|nd|rd|th)")


@lru_cache(maxsize=65_536)
def _content_words(text: str) -> tuple[str, ...]:
    # cached: a table of 100,000 facts repeats a few hundred metric phrases across its places
    stop = stopwords()
    result = []
    for word in words(canonical_text(text)):
        stemmed = stem(word)
        if word in stop or stemmed in stop or word.isdigit() or ORDINAL.fullmatch(word):
            continue  # a number, "18th" too, is a figure or names a thing, never a topic
        result.append(stemmed)
    return tuple(result)
