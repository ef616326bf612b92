"""Full-text search on both databases: what a query means, and the stored index it is matched against.

PostgreSQL: a stored, generated `search_vector` column (title weighted A, text B, English stemming)
with a GIN index on findings, lessons and recommendations. SQLite: an FTS5 table per kind with the
porter tokenizer, kept in step by triggers. Both are maintained by the database itself, so every write
path (forms, admin, imports, loaddata, raw SQL) keeps them current.

A query is read as plain words and "quoted phrases"; anything else (operators, stray quotes,
brackets) is ignored, so no query can be malformed. Each word also matches the words sharing its root
("certified" finds "certification"): the stemmer's form of the word, or a prefix of its root.
"""

import re
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import mark_safe

SEARCHED = {  # table: its searched title column ('' when the kind has none)
    "findings_finding": "title",
    "findings_lesson": "title",
    "findings_recommendation": "",
}
MAX_TERMS = 16
WORD = re.compile(r"[^\W_]+")
PHRASE = re.compile(r'"([^"]*)"')
# Endings taken off to find a word's root; the root (4 letters at least) is then matched as a prefix.
SUFFIXES = ("ications", "ication", "ations", "ation", "ements", "ement", "ments", "ment", "ities", "ity",
            "ness", "ings", "ing", "ied", "ies", "ers", "er", "ed", "es", "s")


def root(word):
    """The start shared by a word's forms: certified, certify, certification -> "certif"."""
    for suffix in SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            word = word[:-len(suffix)]
            break
    trimmed = word.rstrip("eiy")
    return trimmed if len(trimmed) >= 4 else word


@dataclass(frozen=True)
class Term:
    """A word, or a quoted phrase's words, that a record must hold (in its text or, see `tags`, as a tag)."""

    words: tuple

    @property
    def phrase(self):
        return len(self.words) > 1

    @property
    def text(self):
        return " ".join(self.words)

    def prefix(self):
        """The root matched as a prefix, or '' when the word is its own root (or a phrase)."""
        if self.phrase:
            return ""
        found = root(self.words[0])
        return found if found != self.words[0] else ""

    def tsquery(self):
        """This term in PostgreSQL's to_tsquery syntax (only letters and digits: never malformed)."""
        if self.phrase:
            return "(" + " <-> ".join(self.words) + ")"
        prefix = self.prefix()
        return f"({self.words[0]} | {prefix}:*)" if prefix else self.words[0]

    def fts5(self):
        """This term in SQLite FTS5's query syntax, every word quoted."""
        if self.phrase:
            return '"' + " ".join(self.words) + '"'
        prefix = self.prefix()
        return f'("{self.words[0]}" OR "{prefix}"*)' if prefix else f'"{self.words[0]}"'


def parse(query):
    """The terms of `query`: "quoted phrases" and words, lower case, at most MAX_TERMS."""
    query = query.lower()
    terms = []
    if query.count('"') % 2 == 0:
        for phrase in PHRASE.findall(query):
            words = tuple(WORD.findall(phrase))
            if words:
                terms.append(Term(words))
        query = PHRASE.sub(" ", query)
    terms += [Term((word,)) for word in WORD.findall(query)]
    return list(dict.fromkeys(terms))[:MAX_TERMS]


def tsquery(terms, operator="&"):
    return f" {operator} ".join(term.tsquery() for term in terms)


def fts5(terms, operator="AND"):
    return f" {operator} ".join(term.fts5() for term in terms)


def candidates(terms):
    """Names a tag could have in this query: each term, and runs of two or three words ("South Africa")."""
    texts = [term.text for term in terms]
    for size in (2, 3):
        texts += [" ".join(texts[i:i + size]) for i in range(len(terms) - size + 1)
                  if not any(term.phrase for term in terms[i:i + size])]
    return texts


def _pattern(terms):
    """A regular expression finding the words `terms` look for in a record's text."""
    words = {word for term in terms for word in term.words}
    alternatives = sorted({re.escape(root(word)) + r"\w*" for word in words if len(root(word)) >= 4}
                          | {re.escape(word) + r"(?!\w)" for word in words}, key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + ")", re.IGNORECASE) if alternatives else None


def snippet(text, terms, words=40):
    """About `words` words of `text` from shortly before its first match, HTML-escaped, each matched
    word in <mark>."""
    pattern = _pattern(terms)
    found = pattern.search(text) if pattern else None
    before = WORD.findall(text[:found.start()]) if found else []
    start = 0
    if len(before) > words // 4:
        start = [m.start() for m in WORD.finditer(text, 0, found.start())][-(words // 4)]
    following = [m.end() for _, m in zip(range(words), WORD.finditer(text, start))]
    end = following[-1] if len(following) == words else len(text)
    window = text[start:end]
    out, at = ["… " if start else ""], 0
    for match in pattern.finditer(window) if pattern else ():
        out += [escape(window[at:match.start()]), f"<mark>{escape(match.group())}</mark>"]
        at = match.end()
    out += [escape(window[at:]), " …" if end < len(text.rstrip()) else ""]
    return mark_safe("".join(out))


# -- the stored index: created by findings/migrations/0009, its SQLite triggers re-checked after migrate --

def postgresql_statements():
    for table, title in SEARCHED.items():
        document = "setweight(to_tsvector('english'::regconfig, coalesce(text, '')), 'B')"
        if title:
            document = f"setweight(to_tsvector('english'::regconfig, coalesce({title}, '')), 'A') || {document}"
        yield (f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS search_vector tsvector "
               f"GENERATED ALWAYS AS ({document}) STORED")
        yield f"CREATE INDEX IF NOT EXISTS {table}_search ON {table} USING gin (search_vector)"


def sqlite_tables():
    for table, title in SEARCHED.items():
        yield (f"CREATE VIRTUAL TABLE IF NOT EXISTS {table}_fts USING fts5(title, text, "
               "tokenize = 'porter unicode61 remove_diacritics 2')")
        yield (f"INSERT INTO {table}_fts (rowid, title, text) "
               f"SELECT id, {title or chr(39) * 2}, text FROM {table}")


def sqlite_triggers():
    for table, title in SEARCHED.items():
        new_title = f"new.{title}" if title else "''"
        yield (f"CREATE TRIGGER IF NOT EXISTS {table}_fts_insert AFTER INSERT ON {table} BEGIN "
               f"INSERT INTO {table}_fts (rowid, title, text) VALUES (new.id, {new_title}, new.text); END")
        yield (f"CREATE TRIGGER IF NOT EXISTS {table}_fts_update AFTER UPDATE ON {table} BEGIN "
               f"UPDATE {table}_fts SET title = {new_title}, text = new.text WHERE rowid = old.id; END")
        yield (f"CREATE TRIGGER IF NOT EXISTS {table}_fts_delete AFTER DELETE ON {table} BEGIN "
               f"DELETE FROM {table}_fts WHERE rowid = old.id; END")


def install(connection):
    """Create the index on `connection` (PostgreSQL or SQLite), filled with the records already there."""
    statements = {"postgresql": lambda: postgresql_statements(),
                  "sqlite": lambda: [*sqlite_tables(), *sqlite_triggers()]}.get(connection.vendor)
    with connection.cursor() as cursor:
        for statement in statements() if statements else []:
            cursor.execute(statement)


def uninstall(connection):
    with connection.cursor() as cursor:
        for table in SEARCHED:
            if connection.vendor == "postgresql":
                cursor.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS search_vector")
            elif connection.vendor == "sqlite":
                for event in ("insert", "update", "delete"):
                    cursor.execute(f"DROP TRIGGER IF EXISTS {table}_fts_{event}")
                cursor.execute(f"DROP TABLE IF EXISTS {table}_fts")


def keep_triggers(using, **kwargs):
    """After migrate: SQLite drops a table's triggers when a migration rebuilds the table; put them back."""
    from django.db import connections

    connection = connections[using]
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM sqlite_master WHERE name = 'findings_finding_fts'")
            if cursor.fetchone():
                for statement in sqlite_triggers():
                    cursor.execute(statement)
