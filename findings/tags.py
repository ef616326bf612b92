"""A search query read for what a person means: its terms, and those naming a tag.

"skills certification Peru": Peru is a country, so a record matches that word by its text or by being
tagged Peru; the page offers to filter by the country instead ("Peru is a country: filter by it?").
Countries, themes, criteria and organisations are looked up in one query, whatever the query.
"""

from dataclasses import dataclass, field

from django.db.models import F, Q, Value
from django.db.models.functions import Lower

from evaluations.models import Evaluation
from reference.models import Country, Criterion, Organisation, Theme

from . import fulltext
from .filters import EVIDENCE_PATHS

TAGS = {  # facet -> (model, key field, name fields, what it is called, lookup of its key on a record)
    "country": (Country, "iso2", ("name",), "a country", "country", "__iso2__in"),
    "theme": (Theme, "slug", ("name",), "a theme", "theme", "__slug__in"),
    "criterion": (Criterion, "code", ("name",), "a criterion", "criterion", "__code__in"),
    "organisation": (Organisation, "slug", ("name", "short_name"), "an organisation", None, None),
}


@dataclass
class Tag:
    """Terms of the query naming a tag: `facet` values `keys` (several countries may share a name)."""

    facet: str
    terms: tuple
    keys: list = field(default_factory=list)
    label: str = ""

    @property
    def said(self):
        return " ".join(term.text for term in self.terms)

    @property
    def what(self):
        return TAGS[self.facet][3]

    def tagged(self, model):
        """The records of `model` carrying this tag, as a subquery of their ids."""
        _, _, _, _, path, lookup = TAGS[self.facet]
        if self.facet == "organisation":
            evaluations = Evaluation.objects.filter(
                Q(commissioner__slug__in=self.keys) | Q(commissioner__parent__slug__in=self.keys)
                | Q(participations__organisation__slug__in=self.keys)
                | Q(participations__organisation__parent__slug__in=self.keys))
            return model.objects.filter(evaluation__in=evaluations.values("pk")).values("pk")
        through = EVIDENCE_PATHS[model][path]
        if through is None:
            return model.objects.none().values("pk")
        return model.objects.filter(**{through + lookup: self.keys}).values("pk")


@dataclass
class Search:
    """A query's terms; `tags` those naming a tag, `plain` the others."""

    terms: list = field(default_factory=list)
    tags: list = field(default_factory=list)

    def __bool__(self):
        return bool(self.terms)

    @property
    def plain(self):
        tagged = {term for tag in self.tags for term in tag.terms}
        return [term for term in self.terms if term not in tagged]

    @classmethod
    def read(cls, query):
        terms = fulltext.parse(query or "")
        return cls(terms, _tags(terms)) if terms else cls()

    def without(self, tag):
        """The query text without `tag`'s words: what the search box says once filtering by the tag."""
        return " ".join(f'"{t.text}"' if t.phrase else t.text for t in self.terms if t not in tag.terms)

    def hints(self, params):
        """For each tag named in the query: (tag, address of the same list filtered by it instead)."""
        made = []
        for tag in self.tags:
            query = params.copy()
            query["q"] = self.without(tag)
            if tag.facet == "organisation":
                query[tag.facet] = tag.keys[0]
            elif tag.keys[0] not in query.getlist(tag.facet):
                query.appendlist(tag.facet, tag.keys[0])
            query.pop("page", None)
            query.pop("format", None)
            made.append((tag, "?" + query.urlencode()))
        return made


def _tags(terms):
    """The tags named by terms of the query, longest names first, each term in at most one tag."""
    candidates = fulltext.candidates(terms)
    named = _named(candidates)
    if not named:
        return []
    by_text = {term.text: term for term in terms}
    found, used = [], set()
    for said in sorted(named, key=lambda text: -len(text.split())):
        words = said.split()
        covered = [by_text[said]] if said in by_text else _run(terms, words)
        if not covered or used & set(covered):
            continue
        used |= set(covered)
        facet, rows = next(iter(named[said].items()))
        found.append(Tag(facet, tuple(covered), [row["key"] for row in rows], rows[0]["label"]))
    return sorted(found, key=lambda tag: terms.index(tag.terms[0]))


def _run(terms, words):
    for i in range(len(terms) - len(words) + 1):
        run = terms[i:i + len(words)]
        if [term.text for term in run] == words:
            return run
    return []


def _named(candidates):
    """{name said: {facet: [{"key", "label"}]}} for the tags whose name is a candidate."""
    parts = []
    for facet, (model, key, names, *_) in TAGS.items():
        for name in names:
            parts.append(model.objects.annotate(
                facet=Value(facet), said=Lower(name), key_value=F(key), label=F(name),
            ).filter(said__in=candidates).order_by().values("facet", "said", "key_value", "label"))
    first, *others = parts
    named = {}
    for row in first.union(*others, all=True):
        rows = named.setdefault(row["said"], {}).setdefault(row["facet"], [])
        rows.append({"key": row["key_value"], "label": row["label"]})
    return named
