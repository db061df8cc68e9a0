"""French text normalisation for full-text search: case and accent folding, a stop list and the Snowball
French stemmer, plus excerpt highlighting that uses exactly the same normalisation as the index.

The stemmer is ``snowballstemmer``'s French algorithm, pinned at 2.2.0: the version whose French stems
are those of PostgreSQL 15's ``french_stem`` dictionary (checked word by word on the catalogue's 1,543
content words: 0 differences; 3.1.1 differs on one word), so that SQLite's index (terms stemmed here,
after accent folding) and PostgreSQL's ``french_unaccent`` configuration (``unaccent`` then
``french_stem``) find the same records. ``tests/search/test_search_text_core.py`` compares the two.
"""

from __future__ import annotations

import html
import re
import threading
import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache

import snowballstemmer

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


def fold(text: str) -> str:
    """Lower-case and strip diacritics ("Hôpitaux" → "hopitaux"); ligatures œ/æ are spelled out."""
    text = text.lower().replace("œ", "oe").replace("æ", "ae")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


_FRENCH = snowballstemmer.stemmer("french")
_FRENCH_LOCK = threading.Lock()  # a Snowball stemmer object keeps its working string: one caller at a time


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Snowball French stem of an already folded word (digits are kept as they are)."""
    if word.isdigit():
        return word
    with _FRENCH_LOCK:
        return str(_FRENCH.stemWord(word))


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


MAX_QUERY_CHARS = 300
MAX_QUERY_WORDS = 32  # each content word costs one term of the query (and one coverage test)


def clean_query(query: str, max_chars: int = MAX_QUERY_CHARS) -> str:
    """A query as the engines take it: control characters (NUL…) removed, spaces collapsed, cut at
    ``max_chars`` characters. FTS syntax needs no escaping: only words (``WORD_RE``) reach the engines."""
    cleaned = "".join(" " if unicodedata.category(c) == "Cc" else c for c in query[: max_chars * 4])
    return " ".join(cleaned.split())[:max_chars].strip()


def query_words(query: str) -> list[str]:
    """Folded, de-duplicated content words of a query, in order (fed to PostgreSQL's own stemmer),
    at most ``MAX_QUERY_WORDS``."""
    seen: dict[str, None] = {}
    for w in words(query):
        if w not in STOPWORDS and (len(w) > 1 or w.isdigit()):
            seen.setdefault(w, None)
            if len(seen) == MAX_QUERY_WORDS:
                break
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
