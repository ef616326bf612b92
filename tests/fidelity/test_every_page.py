"""Every page reachable from the home page answers 200 and draws no empty chart: every page for a
reader, and one page of each kind for an admin (whose pages add the entry forms). No link leads to
an error or a dead end (issue 11)."""

import pytest

from ..crawl import crawl, empty_charts, kind, page_key

pytestmark = pytest.mark.django_db


def pages(client, key):
    def fetch(url):
        response = client.get(url)
        streaming = getattr(response, "streaming", False)
        html = None if streaming or "html" not in response.get("Content-Type", "") else response.content.decode()
        return response.status_code, html
    return list(crawl(fetch, key=key))


@pytest.mark.parametrize("who", ["reader", "admin"])
def test_every_page_reachable_from_home_answers_and_draws(client, ada, who):
    if who == "admin":
        client.force_login(ada)
    visited = pages(client, page_key if who == "reader" else kind)
    failed = [(url, status) for url, status, _ in visited if status != 200]
    empty = [(url, ids) for url, _, html in visited if html and (ids := empty_charts(html))]
    assert len(visited) > (600 if who == "reader" else 30)  # the reports hold about 690 distinct pages
    assert failed == []
    assert empty == []
