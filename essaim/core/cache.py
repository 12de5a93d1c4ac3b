"""The cache of public fragments: what every visitor is shown alike, kept rendered.

A fragment is cached under a key made of its name, the reader's language, today's date, the
current *version* of each *topic* it depends on and its own parameters (a page number, a
filter)::

    html = cache.fragment(
        "territory_list",
        topics=("labels",),
        parts=(wave, region),
        render=lambda: render_to_string("labels/_territory_list_body.html", build_context()),
    )

Only ``render`` touches the database, on a miss. A topic's version is a random token stored in
Django's cache (``CACHES``: Redis when ``REDIS_URL`` is set): changing it makes every key built
with the former one unreachable, so nothing is deleted key by key. Versions change

- for every typed history row (``history_recorded``, registered in ``CoreConfig.ready``): the
  row's app says which topics its change may show in (:data:`TOPICS_OF_APP`). Every service
  write records one, so a service change is never served stale;
- or by an explicit :func:`bump` (a write without history).

Either way twice: at once, so that the writing transaction itself (and a test, which never
commits) reads its change, and again *after the commit* (``transaction.on_commit``), so that a
request that read the data before the commit cannot have cached that state under a version that
outlives it. A rolled-back change therefore costs one needless rendering, never a stale page. A
write outside the services (the Django admin, a shell) is seen at the latest after
:data:`TIMEOUT`.

What may be cached: renderings identical for every visitor — anonymous pages' bodies, fragments
without any user-dependent data. ``render`` is called by the view with a context it builds
itself; render with ``render_to_string(template, context)`` *without* ``request``, so that no
context processor (user, CSRF token, messages) can slip private data into a fragment.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

# The topics, and what their fragments show.
LABELS = "labels"  # territories, labels, waves, the collectives and challenges they show
PROJECTS = "projects"  # the public projects
DIRECTORY = "directory"  # the organisations' directory
NEWS = "news"
KNOWLEDGE = "knowledge"  # the knowledge base: articles, categories, ticket figures
PROGRAMME = "programme"  # programmes, calls, public figures of the home page
# Not a public fragment: the tab counts of the staff's worklists (``core.worklist``), kept under
# the SQL of their count (which holds the reader's scope), so that two readers share a count only
# when they count the same rows.
WORKLISTS = "worklists"
TOPICS = (LABELS, PROJECTS, DIRECTORY, NEWS, KNOWLEDGE, PROGRAMME, WORKLISTS)

# The topics a change of an app's objects may show in (by the app of the history row's object).
# Generous on purpose: a needless invalidation costs one rendering, a missing one a stale page.
TOPICS_OF_APP: dict[str, tuple[str, ...]] = {
    "labels": (LABELS, PROGRAMME, WORKLISTS),
    # a labelled territory's page shows its collective and challenges; the queue, every state
    "applications": (LABELS, WORKLISTS),
    "reviews": (WORKLISTS,),
    "geo": (LABELS, PROJECTS, DIRECTORY),
    "actors": (DIRECTORY, LABELS, PROJECTS, PROGRAMME),
    "calls": (PROGRAMME, LABELS, KNOWLEDGE),  # a programme's knowledge categories
    "projects": (PROJECTS,),
    "synergies": (PROJECTS,),
    "portal": (NEWS, PROGRAMME),
    "regulatory": (KNOWLEDGE,),
    "financing": (KNOWLEDGE,),
    "impact": (LABELS,),  # a territory's page links to its published figures and report
}

# Objects whose changes show in some topics only in some states: (field, values, topics). An
# application's collective and challenges are public once it is labelled; every other change of
# the 100,000 applications (drafts, instruction) leaves the labels' pages alone.
ONLY_WHEN: dict[str, tuple[str, frozenset[str], frozenset[str]]] = {
    "applications.application": ("status", frozenset({"labelled"}), frozenset({LABELS})),
}

# Backstop for writes made outside the services (seconds).
TIMEOUT = 600
_VERSION_KEY = "essaim:topic:{}"


def versions(topics: Iterable[str]) -> list[str]:
    """The current version of each topic (one cache round trip; a topic never seen gets one)."""
    topics = list(topics)
    unknown = set(topics) - set(TOPICS)
    if unknown:
        raise ValueError(f"Unknown cache topic(s): {sorted(unknown)}")
    keys = [_VERSION_KEY.format(topic) for topic in topics]
    found = cache.get_many(keys)
    missing = {key: uuid.uuid4().hex[:12] for key in keys if key not in found}
    if missing:
        # add(): two processes starting a topic together agree on the first one's version.
        for key, value in missing.items():
            if not cache.add(key, value, None):
                value = cache.get(key, value)
            found[key] = value
    return [found[key] for key in keys]


def _bump_now(topics: Iterable[str]) -> None:
    cache.set_many({_VERSION_KEY.format(topic): uuid.uuid4().hex[:12] for topic in topics}, None)


class _AfterCommit:
    """The topics bumped in the current transaction, bumped again once it commits (one
    callback per transaction, however many rows it writes)."""

    def __init__(self):
        self.topics: set[str] = set()

    def __call__(self):
        _bump_now(self.topics)


def _after_commit(connection) -> _AfterCommit:
    for _savepoints, callback, _robust in connection.run_on_commit:
        if isinstance(callback, _AfterCommit):
            return callback
    callback = _AfterCommit()
    transaction.on_commit(callback, robust=True)
    return callback


def bump(*topics: str) -> None:
    """Make the fragments of ``topics`` stale, now and again once the current transaction
    commits (see the module's docstring)."""
    unknown = set(topics) - set(TOPICS)
    if unknown:
        raise ValueError(f"Unknown cache topic(s): {sorted(unknown)}")
    _bump_now(topics)
    connection = transaction.get_connection()
    if connection.in_atomic_block:
        _after_commit(connection).topics.update(topics)


def history_recorded(*, event, obj) -> None:
    """The ``history_recorded`` receiver: bump the topics of the changed object's app."""
    topics = set(TOPICS_OF_APP.get(obj._meta.app_label, ()))
    condition = ONLY_WHEN.get(obj._meta.label_lower)
    if condition is not None and getattr(obj, condition[0], None) not in condition[1]:
        topics -= condition[2]
    if topics:
        bump(*topics)


def cached(
    name: str,
    *,
    topics: Iterable[str],
    compute: Callable[[], Any],
    parts: Iterable[object] = (),
    timeout: int = TIMEOUT,
) -> Any:
    """What ``compute()`` returns (picklable; None is not kept), from the cache when the topics
    have not changed since. The key varies on the language and the date, so that a translated
    string or a state computed for today (a label's expiry, the open calls) is never stale."""
    raw = "|".join(str(part) for part in parts)
    key = ":".join(
        [
            "essaim:frag",
            name,
            translation.get_language() or "",
            timezone.localdate().isoformat(),
            *versions(topics),
            hashlib.sha256(raw.encode()).hexdigest()[:24],
        ]
    )
    value = cache.get(key)
    if value is None:
        value = compute()
        if value is not None:
            cache.set(key, value, timeout)
    return value


def fragment(
    name: str,
    *,
    topics: Iterable[str],
    render: Callable[[], str],
    parts: Iterable[object] = (),
    timeout: int = TIMEOUT,
    user=None,
) -> SafeString:
    """The HTML ``render()`` returns, from the cache when the topics have not changed since.
    ``user``: the reader, when ``render`` may show a signed-in reader more (a private project):
    the fragment is then cached for anonymous readers only, rendered afresh for the others."""
    if user is not None and user.is_authenticated:
        return mark_safe(render())  # noqa: S308 - rendered by our own templates (autoescaped)
    html = cached(name, topics=topics, compute=lambda: str(render()), parts=parts, timeout=timeout)
    return mark_safe(html)  # noqa: S308 - rendered by our own templates (autoescaped)


_ROW_KEY = "essaim:row:{}:{}:{}"


def rows(
    name: str, items: Iterable[tuple[Iterable[object], Callable[[], str]]]
) -> list[SafeString]:
    """The HTML of many rows of a list, each kept under the hash of what it shows (``parts``:
    every value the row prints, in the reader's language) and fetched in one cache round trip;
    only the missing ones are rendered (``render()``) and stored together. Content-addressed,
    like :func:`essaim.core.forms.rendered`: a row whose values change is another key, so there
    is nothing to invalidate — which is what lets a *private* list (the instruction queue) reuse
    its rows: the view still decides, per request, which rows a reader sees; the cache only
    spares rendering the same values twice. ``render`` renders without ``request`` (no context
    processor), from the values in ``parts`` only."""
    items = list(items)
    language = translation.get_language() or ""
    keys = []
    for parts, _render in items:
        raw = "|".join(str(part) for part in parts)
        keys.append(_ROW_KEY.format(name, language, hashlib.sha256(raw.encode()).hexdigest()[:32]))
    found = cache.get_many(keys) if keys else {}
    missing = {}
    html = []
    for key, (_parts, render) in zip(keys, items, strict=True):
        value = found.get(key)
        if value is None:
            value = missing[key] = str(render())
        html.append(mark_safe(value))  # noqa: S308 - rendered by our own templates (autoescaped)
    if missing:
        cache.set_many(missing, TIMEOUT)
    return html


# A longer query string is rendered afresh rather than cached (it is no link of ours).
MAX_QUERY_STRING = 200


def for_anonymous(request, name: str, *, topics: Iterable[str], compute: Callable[[], Any]) -> Any:
    """What ``compute()`` returns for ``request``: cached per query string for anonymous readers
    (``compute`` may then read ``request``: its user is anonymous, its query string is in the
    key), computed afresh for signed-in ones, who may be shown more (their private objects)."""
    query = request.META.get("QUERY_STRING", "")
    if request.user.is_authenticated or len(query) > MAX_QUERY_STRING:
        return compute()
    parts = (request.path, sorted(request.GET.lists()))
    return cached(name, topics=topics, compute=compute, parts=parts)


def clear() -> None:
    """Forget every version and fragment (the tests, between two)."""
    cache.clear()
