"""The cache of public fragments (essaim.core.cache): versions per topic, bumped at once and
again after the commit, per app of the history row; keys per language."""

from functools import partial

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.utils import translation

from essaim.core import cache
from essaim.core.history import history_recorded

pytestmark = pytest.mark.django_db


def render_counting(calls):
    def render():
        calls.append(translation.get_language())
        return f"<p>{len(calls)}</p>"

    return render


def test_fragment_is_rendered_once_per_version_and_language():
    calls = []
    render = render_counting(calls)
    first = cache.fragment("t", topics=(cache.LABELS,), render=render)
    assert cache.fragment("t", topics=(cache.LABELS,), render=render) == first
    with translation.override("en"):
        cache.fragment("t", topics=(cache.LABELS,), render=render)
    assert calls == ["fr", "en"]
    cache.bump(cache.PROJECTS)  # another topic: still cached
    cache.fragment("t", topics=(cache.LABELS,), render=render)
    assert len(calls) == 2
    cache.bump(cache.LABELS)
    assert cache.fragment("t", topics=(cache.LABELS,), render=render) == "<p>3</p>"


def test_signed_in_readers_get_a_fresh_rendering(django_user_model):
    calls = []
    user = django_user_model.objects.create(email="a@example.org")
    for reader in (user, user, AnonymousUser(), AnonymousUser()):
        cache.fragment("t", topics=(cache.PROJECTS,), render=render_counting(calls), user=reader)
    assert len(calls) == 3


def test_bumped_again_after_the_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            before = cache.versions([cache.NEWS])
            cache.bump(cache.NEWS)
            cache.bump(cache.NEWS, cache.LABELS)
            during = cache.versions([cache.NEWS])
            assert during != before  # the writer reads its own change
    assert len(callbacks) == 1  # one callback per transaction
    assert cache.versions([cache.NEWS]) not in (before, during)


def test_history_row_bumps_the_topics_of_its_app():
    class Obj:
        class _meta:
            app_label = "regulatory"
            label_lower = "regulatory.ticket"

    before = cache.versions([cache.KNOWLEDGE, cache.LABELS])
    assert cache.history_recorded in history_recorded.receivers
    cache.history_recorded(event=None, obj=Obj())
    after = cache.versions([cache.KNOWLEDGE, cache.LABELS])
    assert after[0] != before[0] and after[1] == before[1]


def test_unknown_topic_refused():
    with pytest.raises(ValueError, match="Unknown cache topic"):
        cache.bump("labelz")


def test_application_rows_bump_labels_only_once_labelled():
    class Application:
        status = "draft"

        class _meta:
            app_label = "applications"
            label_lower = "applications.application"

    application = Application()
    before = cache.versions([cache.LABELS])
    cache.history_recorded(event=None, obj=application)
    assert cache.versions([cache.LABELS]) == before
    application.status = "labelled"
    cache.history_recorded(event=None, obj=application)
    assert cache.versions([cache.LABELS]) != before


@pytest.mark.parametrize(
    "url",
    ["/", "/annuaire/", "/annuaire/?q=ressourcerie", "/guichet-unique/base-de-connaissances/"],
)
def test_public_pages_served_from_the_cache_run_no_query(client, url, django_assert_num_queries):
    first = client.get(url)
    assert first.status_code == 200
    with django_assert_num_queries(0):
        assert client.get(url).text.count("<h1") == first.text.count("<h1")


def test_application_rows_bump_the_worklists_in_every_state():
    class Application:
        status = "draft"

        class _meta:
            app_label = "applications"
            label_lower = "applications.application"

    before = cache.versions([cache.WORKLISTS, cache.LABELS])
    cache.history_recorded(event=None, obj=Application())
    after = cache.versions([cache.WORKLISTS, cache.LABELS])
    assert after[0] != before[0] and after[1] == before[1]


def test_rows_render_only_what_they_have_not_shown_yet():
    calls = []

    def render(value):
        calls.append(value)
        return f"<tr><td>{value}</td></tr>"

    def items(*values):
        return [((("value", v),), partial(render, v)) for v in values]

    assert cache.rows("test_row", items("a", "b")) == ["<tr><td>a</td></tr>", "<tr><td>b</td></tr>"]
    # "a" and "b" again: from the cache; "c" (a changed value is another key) rendered
    assert cache.rows("test_row", items("b", "c", "a")) == [
        "<tr><td>b</td></tr>",
        "<tr><td>c</td></tr>",
        "<tr><td>a</td></tr>",
    ]
    assert calls == ["a", "b", "c"]
    with translation.override("en"):  # the same values in another language: rendered again
        cache.rows("test_row", items("a"))
    assert calls == ["a", "b", "c", "a"]
    assert cache.rows("test_row", []) == []
