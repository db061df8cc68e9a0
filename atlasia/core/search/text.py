"""French-ish text normalisation for full-text search: case and accent folding, a stop list and a light
suffix stemmer, plus excerpt highlighting that uses exactly the same normalisation as the index.

Neither ``snowballstemmer`` nor ``PyStemmer`` is installed in the project's environment, and the
dependency list is kept short, so the stemmer below is a small rule-based French stemmer in the spirit
of Snowball's "light" variants: it folds plurals (``-aux`` → ``-al``, ``-s``, ``-x``) and strips the
common derivational and inflectional suffixes while keeping at least three letters. It is not a
linguist's stemmer; what matters for search is that a word and its usual variants land on the same
stem ("hôpitaux"/"hôpital", "fraudes"/"fraude", "contrôleurs"/"contrôler"/"contrôles").
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache

WORD_RE = re.compile(r"[^\W_]+", re.UNICODE)

# Marks placed around matched words before HTML escaping; control characters never occur in records.
MARK_START = "\x02"
MARK_END = "\x03"

STOPWORDS = frozenset(
    """
    a afin ai aie aient aies ait alors as au aucun aucune aupres auquel auxquelles auxquels aussi
    autre autres aux
    avaient avais avait avec avoir ayant c ca ce ceci cela celle celles celui cependant ces cet
    cette ceux chaque chez ci comme comment d dans de des desquelles desquels dont du duquel elle
    elles en encore entre es est et etaient etais etait etant ete etre eu eux fait faire fais font
    hors il ils j je jusqu l la laquelle le lequel les lesquelles lesquels leur leurs lui m ma mais
    me meme memes mes moi mon n ne ni nos notre nous on ont ou par parce pas peu peut plus pour
    pourquoi qu quand que quel quelle quelles quels qui quoi s sa sans se selon ses si sien son sont
    sous sur t ta te tes toi ton tous tout toute toutes tres tu un une unes uns vers via vos votre
    vous y
    """.split()  # noqa: SIM905 - a word list reads better as text
)

# Longest first; a suffix is removed only if at least three letters remain.
_SUFFIXES = tuple(
    sorted(
        """
        issements issement atrices atrice ateurs ateur ations ation ution utions logies logie
        ements ement ments ment ances ance ences ence ites ite ives ive ifs if euses euse eux istes iste
        ismes isme ables able ibles ible iques ique ees ee es er ez e eurs eur ions ion ages age
        """.split(),  # noqa: SIM905
        key=len,
        reverse=True,
    )
)


def fold(text: str) -> str:
    """Lower-case and strip diacritics ("Hôpitaux" → "hopitaux"); ligatures œ/æ are spelled out."""
    text = text.lower().replace("œ", "oe").replace("æ", "ae")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Light French stem of an already folded word."""
    w = word
    if len(w) <= 3 or w.isdigit():
        return w
    if w.endswith("aux") and len(w) > 4:
        w = w[:-3] + "al"
    elif w[-1] in "sx" and not w.endswith(("ss", "eux")):
        w = w[:-1]
    for suffix in _SUFFIXES:
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            w = w[: -len(suffix)]
            break
    # "controll-" / "donn-": collapse a final double consonant so "contrôle"/"contrôller" agree.
    if len(w) > 4 and w[-1] == w[-2] and w[-1] not in "aeiouy":
        w = w[:-1]
    return w


@lru_cache(maxsize=65536)
def _term(word: str) -> str:
    return stem(fold(word))


def words(text: str) -> list[str]:
    """Folded words of ``text`` (stop words included)."""
    return WORD_RE.findall(fold(text))


def terms(text: str) -> list[str]:
    """Index terms of ``text``: folded, stop words removed, stemmed. Used for the index and queries."""
    return [stem(w) for w in words(text) if w not in STOPWORDS and (len(w) > 1 or w.isdigit())]


def index_text(text: str) -> str:
    """The space-separated terms stored in the SQLite FTS5 table."""
    return " ".join(terms(text))


def query_words(query: str) -> list[str]:
    """Folded, de-duplicated content words of a query, in order (fed to PostgreSQL's own stemmer)."""
    seen: dict[str, None] = {}
    for w in words(query):
        if w not in STOPWORDS and (len(w) > 1 or w.isdigit()):
            seen.setdefault(w, None)
    return list(seen)


def query_stems(query: str) -> list[str]:
    """De-duplicated index terms of a query's content words, in order."""
    return list(dict.fromkeys(stem(w) for w in query_words(query)))


def fts5_match(query: str, *, prefix_last: bool = False) -> str:
    """An FTS5 MATCH expression OR-ing the query's terms (ranking rewards records matching more)."""
    stems = query_stems(query)
    if not stems:
        return ""
    parts = [f'"{s}"' for s in stems]
    if prefix_last and len(query_words(query)[-1]) >= 3:
        # While typing, the last word may be cut: also match it as a prefix.
        parts.append(f'"{query_words(query)[-1]}"*')
    return " OR ".join(parts)


def tsquery_text(query: str) -> str:
    """A ``to_tsquery`` input OR-ing the query's words; PostgreSQL stems them with ``french_unaccent``."""
    return " | ".join(query_words(query))


def mark_matches(text: str, stems: Iterable[str], max_words: int = 32) -> tuple[str, int]:
    """The best window of ``text`` around the query's stems, matched words wrapped in markers.

    Returns the marked excerpt and the number of matched words in it (0: no match, excerpt is the start).
    """
    wanted = set(stems)
    tokens = list(WORD_RE.finditer(text))
    if not tokens:
        return text[:200], 0
    hits = [i for i, m in enumerate(tokens) if _term(m.group()) in wanted]
    if not hits:
        first, last = 0, min(len(tokens), max_words) - 1
        count = 0
    else:
        # Slide a window over the hits and keep the one holding the most of them.
        best_start, count = hits[0], 0
        for i, h in enumerate(hits):
            n = sum(1 for k in hits[i:] if k < h + max_words)
            if n > count:
                best_start, count = h, n
        first = max(0, best_start - max_words // 4)
        last = min(len(tokens) - 1, first + max_words - 1)
    hit_set = set(hits)
    start_char = tokens[first].start() if first > 0 else 0
    end_char = tokens[last].end() if last < len(tokens) - 1 else len(text)
    out: list[str] = ["… " if first > 0 else ""]
    cursor = start_char
    for i in range(first, last + 1):
        m = tokens[i]
        out.append(text[cursor : m.start()])
        out.append(f"{MARK_START}{m.group()}{MARK_END}" if i in hit_set else m.group())
        cursor = m.end()
    out.append(text[cursor:end_char])
    if last < len(tokens) - 1:
        out.append(" …")
    return "".join(out).strip(), count


def best_excerpt(fields: Sequence[str], query: str, max_words: int = 32) -> str:
    """Marked excerpt from the field (summary first) holding the most query words."""
    stems = {stem(w) for w in query_words(query)}
    best, best_count = "", -1
    for value in fields:
        if not value:
            continue
        marked, count = mark_matches(value, stems, max_words)
        if count > best_count:
            best, best_count = marked, count
    return best


def excerpt_html(marked: str) -> str:
    """Escape an excerpt and turn the markers into ``<mark>``: the only HTML that reaches the page."""
    return html.escape(marked).replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")
