"""The shared worklist piece: the tab parameter is bounded, the counts come from one query, the
tabs' links keep the filters, every list gives a condition per tab."""

import pytest
from django.db.models import Q
from django.test import RequestFactory

from essaim.core import worklist
from essaim.core.models import HistoryEvent

pytestmark = pytest.mark.django_db


def request(**params):
    return RequestFactory().get("/liste/", params)


@pytest.mark.parametrize(
    ("value", "tab"),
    [
        ("", "a-traiter"),
        ("suivis", "suivis"),
        ("traites", "traites"),
        ("SUIVIS", "a-traiter"),
        ("a-traiter\x00", "a-traiter"),
        ("x" * 10_000, "a-traiter"),
    ],
)
def test_the_tab_parameter_is_bounded(value, tab):
    assert worklist.current_tab(request(onglet=value)) == tab


def test_counts_in_one_query_and_links_keep_filters(django_assert_num_queries):
    conditions = {
        worklist.TODO: Q(action="a"),
        worklist.FOLLOWED: Q(action="b"),
        worklist.DONE: Q(action__in=["c", "d"]),
    }
    with django_assert_num_queries(1):
        tabs, rows = worklist.worklist(
            request(onglet="traites", q="abc", page="3", other="x"),
            HistoryEvent.objects.all(),
            conditions,
            keep=["q"],
        )
    assert [t.count for t in tabs.tabs] == [0, 0, 0]
    assert tabs.tab == "traites" and tabs.current.key == "traites"
    assert tabs.query == "q=abc&onglet=traites"
    assert tabs.tabs[0].url == "?q=abc&onglet=a-traiter"
    assert "action" in str(rows.query)


def test_a_list_must_define_every_tab():
    with pytest.raises(ValueError):
        worklist.worklist(request(), HistoryEvent.objects.all(), {worklist.TODO: Q()})
