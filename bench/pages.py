"""The pages measured: each EvalBase page and the Datasette page it is compared with.

A portfolio page is compared with the same table in Datasette: same filters, same order, 50 rows,
facets on region, approach and status, no suggested facets. The findings search is compared with
Datasette's full-text search over the same findings, lessons and recommendations. Every other page
has no Datasette equivalent: it is timed alternately with Datasette's filtered, faceted portfolio
page (the baseline), and its targets are multiples of that page's time.
"""

import math
import sqlite3
from dataclasses import dataclass
from urllib.parse import urlencode

PAGE_SIZE = 50
FACETS = "_facet=region&_facet=approach&_facet=status&_nosuggest=1"
DATABASE = "evalbase"  # Datasette names the database after the file, evalbase.db
FILTERED = "region=AF&status=closed"
TITLE_WORD = "cluster"  # in about 1 title in 8 ("Cluster development in ...") and in transcribed ones
COMMON_WORD = "firms"  # in every synthetic finding and recommendation
RARE_WORD = "pandemic"  # in three transcribed findings or lessons only
SEARCH_PAGE_SIZE = 25  # EvalBase's findings search shows 25 results a page


@dataclass
class Page:
    name: str
    evalbase: str
    datasette: str | None = None  # None: compared with the baseline page
    target: str = "other"  # "0.7", "1.0" (ratio to its Datasette page) or "other" (multiple of the baseline)
    count: str = ""  # how to read the number of matching rows: "portfolio" or "search"

    @property
    def datasette_path(self):
        return self.datasette or BASELINE


def portfolio(query=""):
    return f"/{DATABASE}/projects?_sort=number&_size={PAGE_SIZE}&{FACETS}" + (f"&{query}" if query else "")


BASELINE = portfolio(FILTERED)


def deep_page(projects_total):
    """Page 500, or the last page when there are fewer."""
    return max(1, min(500, math.ceil(projects_total / PAGE_SIZE)))


def next_token(sqlite_path, offset):
    """Datasette's `_next` keyset token for the row after `offset` rows sorted by number: the number
    and id of the last row before it, each tilde-encoded as Datasette writes them."""
    from datasette.utils import tilde_encode

    with sqlite3.connect(sqlite_path) as db:
        number, pk = db.execute("SELECT number, id FROM projects ORDER BY number, id LIMIT 1 OFFSET ?",
                                [offset - 1]).fetchone()
    return f"{tilde_encode(str(number))},{tilde_encode(str(pk))}"


def pages(*, projects_total, sqlite_path, evaluation):
    deep = deep_page(projects_total)
    token = next_token(sqlite_path, (deep - 1) * PAGE_SIZE) if deep > 1 else ""
    search = f"/{DATABASE}/evidence?_size={SEARCH_PAGE_SIZE}&_search="
    return [
        Page("home", "/"),
        Page("portfolio, unfiltered", "/portfolio/", portfolio(), "1.0", "portfolio"),
        Page("portfolio, region=AF & status=closed", f"/portfolio/?{FILTERED}", BASELINE, "0.7", "portfolio"),
        Page("… sorted by allotment, descending", f"/portfolio/?{FILTERED}&sort=-allotment",
             f"/{DATABASE}/projects?_sort_desc=allotment_total&_size={PAGE_SIZE}&{FACETS}&{FILTERED}",
             "0.7", "portfolio"),
        Page(f"portfolio, page {deep} (Datasette: `_next` keyset)", f"/portfolio/?page={deep}",
             portfolio(urlencode({"_next": token}) if token else ""), "1.0", "portfolio"),
        Page(f"portfolio, title contains “{TITLE_WORD}” (Datasette: `title__contains`, a LIKE scan)",
             f"/portfolio/?q={TITLE_WORD}", portfolio(f"title__contains={TITLE_WORD}"), "0.7", "portfolio"),
        Page("summary by region", "/portfolio/summary/?by=region"),
        Page("summary by country", "/portfolio/summary/?by=country"),
        Page("summary by year", "/portfolio/summary/?by=year"),
        Page("ratings", "/ratings/"),
        Page("ratings compare", "/ratings/compare/"),
        Page("evidence map", "/ratings/evidence-map/"),
        Page(f"findings search, common word “{COMMON_WORD}” (Datasette: FTS5 `_search`)",
             f"/findings/?q={COMMON_WORD}", search + COMMON_WORD, "other", "search"),
        Page(f"findings search, rare word “{RARE_WORD}” (Datasette: FTS5 `_search`)",
             f"/findings/?q={RARE_WORD}", search + RARE_WORD, "other", "search"),
        Page("recommendations", "/recommendations/"),
        Page("recommendations overdue", "/recommendations/overdue/"),
        Page("an evaluation (synthetic)", f"/evaluations/{evaluation}/"),
        Page("reconciliation", "/reconciliation/"),
    ]


def json_path(datasette_path):
    """The JSON of a Datasette table page, which states how many rows match."""
    path, _, query = datasette_path.partition("?")
    return f"{path}.json?{query}"
