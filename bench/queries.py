"""Benchmark: the SQL query count of every list page at 1x and at 10x the data (issue 12).

    uv run python bench/queries.py \\
        --small-url postgres://postgres@127.0.0.1:5432/<tenth> \\
        --large-url postgres://postgres@127.0.0.1:5432/<national> \\
        [--only NAME ...] [--statement-timeout 60] [--list]

The two databases are data sets of ``essaim generate``: ``--scale national --factor 0.1`` (1x)
and ``--scale national`` (10x). For each in turn, in a fresh process with the production
settings of ``bench/pages.py`` (its ``server_env``; a file cache of its own, so nothing cached
at 1x is read at 10x), every list page is asked twice through Django's test client, in
process: the first answer warms the caches, the second one's queries are counted
(``CaptureQueriesContext``). A list page whose count grows with the data runs a query per row
somewhere (N+1): the goal is the same count at 1x and 10x for every page.

Each page is read by the role it is for: public lists (``/annuaire/``, ``/projets/``, the public
API lists...) anonymously; staff queues and directories as the synthetic programme's
instructor (``instructeur@``), single-window officer (``guichet@``) or admin (``admin@``), signed
in with ``force_login`` and a second factor recorded in the session, as ``bench/pages.py`` does.
Their sessions are deleted at the end; nothing else is written.

The pages are listed in ``PAGES`` (URL names) and ``API_ROLES`` (every argument-less ``GET`` of
the API that lists something is taken from the OpenAPI document). ``--list`` prints, from the URL
conf, the argument-less routes that are neither in ``PAGES`` nor in ``NOT_LISTS``: a new list page
must be added to one of them.

Every SQL statement is cut after ``--statement-timeout`` seconds (``PGOPTIONS``): such a page is
reported as an error (at 10x a page may run one query for minutes).

Prints a table (URL, role, status and queries at 1x and 10x, "equal" or "differs"); exits 1 if
any count differs, or a page answers an error (4xx, 5xx) or not the same status at 1x and 10x.
The last line, ``RESULT {json}``, is the headline read by ``bench/all.py``.
"""

import argparse
import json
import os
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import pages  # noqa: E402  (bench/pages.py: its production settings)

PROGRAMME = "synthetique"
ACCOUNTS = {
    "instructor": "instructeur@synthetique.invalid",
    "officer": "guichet@synthetique.invalid",
    "admin": "admin@synthetique.invalid",
}

# (name, URL name, keyword arguments, query string, role): the list pages.
PAGES = [
    ("home", "portal:home", {}, "", "anonymous"),
    ("programmes", "portal:programme_list", {}, "", "anonymous"),
    ("territories", "territories:list", {}, "", "anonymous"),
    ("perimeters", "geo:perimeter_list", {}, "", "anonymous"),
    ("directory", "actors:directory", {}, "", "anonymous"),
    ("directory-search", "actors:directory", {}, "?q=ressourcerie", "anonymous"),
    ("projects", "projects:directory", {}, "", "anonymous"),
    ("calls", "calls:list", {}, "", "anonymous"),
    ("calls-open", "calls:open", {}, "", "anonymous"),
    ("instruments", "financing:instrument_list", {}, "", "anonymous"),
    ("knowledge-base", "regulatory:knowledge_base", {}, "", "anonymous"),
    ("impact-library", "impact:library", {}, "", "anonymous"),
    ("impact-reports", "impact:reports", {}, "", "anonymous"),
    ("news", "portal:news_list", {}, "", "anonymous"),
    ("offers", "synergies:offer_list", {}, "", "anonymous"),
    ("opendata-catalogue", "opendata:catalogue", {}, "", "anonymous"),
    ("instruction-queue", "reviews:queue", {}, "", "instructor"),
    ("review-exports", "reviews:exports", {}, "", "instructor"),
    ("my-review-requests", "reviews:my_requests", {}, "", "instructor"),
    ("my-applications", "applications:mine", {}, "", "instructor"),
    ("waves", "labels:wave_list", {}, "", "instructor"),
    ("organisations-to-verify", "actors:organisations_to_verify", {}, "", "instructor"),
    ("support-programme", "support:programme", {}, "", "instructor"),
    ("support-index", "support:index", {}, "", "instructor"),
    ("financing-requests", "financing:request_list", {}, "", "instructor"),
    ("financing-gaps", "financing:gaps", {}, "", "instructor"),
    ("impact-home", "impact:home", {}, "", "instructor"),
    ("impact-campaigns", "impact:campaigns", {}, "", "instructor"),
    ("synergies-overview", "synergies:overview", {}, "", "instructor"),
    ("introductions", "synergies:introduction_list", {}, "", "instructor"),
    ("events", "synergies:event_list", {}, "", "instructor"),
    ("ticket-queue", "regulatory:queue", {}, "", "officer"),
    ("quarantine", "regulatory:quarantine_list", {}, "", "officer"),
    ("experimentations", "regulatory:experimentation_list", {}, "", "officer"),
    ("my-tickets", "regulatory:my_tickets", {}, "", "officer"),
    ("news-manage", "portal:news_manage", {}, "", "admin"),
    ("team", "operators:team", {"slug": PROGRAMME}, "", "admin"),
    ("partners", "operators:partners", {"slug": PROGRAMME}, "", "admin"),
    ("programme-instruments", "operators:instruments", {"slug": PROGRAMME}, "", "admin"),
    ("categories", "operators:categories", {"slug": PROGRAMME}, "", "admin"),
    ("webhooks", "webhooks:list", {}, "", "admin"),
    ("api-tokens", "accounts:api_tokens", {}, "", "admin"),
]

# Argument-less routes that are not lists (forms, files, one object, redirects, feeds).
NOT_LISTS = {
    "healthz",
    "set_language",
    "portal:accessibility",
    "portal:legal",
    "portal:sitemap",
    "portal:news_feed",
    "portal:news_create",
    "accounts:dashboard",
    "accounts:login",
    "accounts:logout",
    "accounts:password_reset",
    "accounts:password_reset_done",
    "accounts:password_reset_complete",
    "actors:organisation_create",
    "calls:create",
    "applications:create",
    "labels:verify_form",
    "labels:wave_create",
    "support:mine",
    "projects:create",
    "financing:instrument_create",
    "financing:alerts",
    "financing:alert_subscribe",
    "regulatory:home",
    "regulatory:ticket_new",
    "regulatory:experimentation_new",
    "impact:open_data",
    "impact:aggregates_csv",
    "impact:aggregates_json",
    "opendata:index",
    "operators:programme_create",
    "operators:programme_create_from_file",
    "operators:teams",
    "operators:settings_home",
    "synergies:company_space",
    "synergies:my_offers",
    "synergies:offer_create",
    "synergies:event_create",
    "webhooks:create",
    "reviews:bulk_action",
    "geo:perimeter_create",
    "geo:unit_search",
}
NOT_LISTS_API = {"/api/v1/auth/me", "/api/v1/financing-requests/totals"}

# The API's argument-less GETs, read anonymously unless named here.
API_ROLES = {
    "/api/v1/applications": "instructor",
    "/api/v1/reviews": "instructor",
    "/api/v1/support-plans": "instructor",
    "/api/v1/financing-requests": "instructor",
    "/api/v1/financing-gaps": "instructor",
    "/api/v1/tickets": "officer",
    "/api/v1/experimentation-requests": "officer",
    "/api/v1/measurements": "instructor",
    "/api/v1/introductions": "instructor",
    "/api/v1/auth/tokens": "admin",
    "/api/v1/events": "instructor",
    "/api/v1/impact/campaigns": "instructor",
    "/api/v1/webhooks": "admin",
    "/api/v1/financing-alerts": "instructor",
    "/api/v1/held-mail": "officer",
}


def arg_less_routes() -> set[str]:
    """Every named route of the URL conf without arguments (outside the admin, allauth's and
    the API's, listed from the OpenAPI document)."""
    from django.urls import URLPattern, URLResolver, get_resolver

    found = set()

    def walk(patterns, namespace):
        for p in patterns:
            if isinstance(p, URLResolver):
                if p.namespace in {"admin", "api"} or str(p.pattern).startswith("api/"):
                    continue
                ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
                if "<" not in str(p.pattern):
                    walk(p.url_patterns, ns)
            elif isinstance(p, URLPattern) and p.name and "<" not in str(p.pattern):
                found.add(namespace + p.name)

    walk(get_resolver().url_patterns, "")
    # allauth's own routes (account_*, mfa_*, socialaccount_*): sign-in forms, not lists.
    return {n for n in found if ":" in n or n in NOT_LISTS}


def api_lists() -> list[tuple[str, str, dict, str, str]]:
    from essaim.api.urls import api

    schema = api.get_openapi_schema(path_prefix="/api/v1")
    paths = [
        path
        for path, ops in schema["paths"].items()
        if "get" in ops
        and "{" not in path
        and path not in NOT_LISTS_API
        and not path.endswith(("/openapi.json", "/docs"))
    ]
    return [
        (
            "api" + path.removeprefix("/api/v1").replace("/", "-"),
            path,
            {},
            "",
            API_ROLES.get(path, "anonymous"),
        )
        for path in sorted(paths)
    ]


def all_pages() -> list[tuple[str, str, dict, str, str]]:
    return PAGES + api_lists()


def sign_in(client, email: str) -> None:
    """``force_login``, and a second factor recorded as allauth records it (staff need one)."""
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(email=email).first()
    if user is None:
        sys.exit(f"No account {email} in this database: run `essaim generate` first.")
    client.force_login(user, backend="allauth.account.auth_backends.AuthenticationBackend")
    session = client.session
    now = time.time()
    session["account_authentication_methods"] = [
        {"method": "password", "at": now, "email": email},
        {"method": "mfa", "at": now, "type": "totp"},
    ]
    session.save()


def count_all(database_url: str, only: list[str] | None, timeout: float) -> dict:
    """In a fresh process: ``{name: {"status", "queries", "path", "role"}}`` of a database."""
    os.environ.pop("REDIS_URL", None)  # the cache: files of this run's own, not Redis
    # Every statement of this process is cut after ``timeout`` s (libpq reads PGOPTIONS): a page
    # that runs longer answers an error here instead of holding the run for minutes.
    os.environ["PGOPTIONS"] = f"-c statement_timeout={int(timeout * 1000)}"
    os.environ["DATABASE_URL"] = database_url
    with tempfile.TemporaryDirectory(prefix="essaim-bench-queries-") as tmp:
        (Path(tmp) / "static").mkdir()
        pages.setup(pages.server_env(tmp))
        from django.db import DatabaseError, connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext
        from django.urls import reverse

        clients = {"anonymous": Client(SERVER_NAME="127.0.0.1")}
        for role, email in ACCOUNTS.items():
            clients[role] = Client(SERVER_NAME="127.0.0.1")
            sign_in(clients[role], email)
        counts = {}
        try:
            for name, target, kwargs, query, role in all_pages():
                if only and name not in only:
                    continue
                path = (
                    target if target.startswith("/") else reverse(target, kwargs=kwargs)
                ) + query
                client = clients[role]
                try:
                    client.get(path)  # warms the caches (and Django's lazy loading)
                    with CaptureQueriesContext(connection) as captured:
                        response = client.get(path)
                    status, queries = response.status_code, len(captured)
                except DatabaseError as exc:  # the statement timeout, most likely
                    status, queries = f"error ({type(exc).__name__})", -1
                counts[name] = {"path": path, "role": role, "status": status, "queries": queries}
                print(f"  {name:<28} {role:<10} {status} {queries:4d}  {path}", flush=True)
        finally:
            for role in ACCOUNTS:
                clients[role].logout()  # deletes the session
        return counts


def counts_in_child(label: str, database_url: str, args) -> dict:
    print(f"--- {label}: {database_url.rsplit('/', 1)[-1]}", flush=True)
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        return pool.submit(count_all, database_url, args.only, args.statement_timeout).result()


def unclassified() -> list[str]:
    pages.setup(pages.server_env(tempfile.mkdtemp(prefix="essaim-bench-queries-")))
    listed = {target for _n, target, *_ in PAGES}
    return sorted(arg_less_routes() - listed - NOT_LISTS)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small-url", help="PostgreSQL URL of the 1x data set")
    parser.add_argument("--large-url", help="PostgreSQL URL of the 10x data set")
    parser.add_argument("--only", action="append", help="a page's name (repeatable)")
    parser.add_argument(
        "--statement-timeout",
        type=float,
        default=60,
        help="seconds: a page with a longer SQL statement is reported as an error",
    )
    parser.add_argument(
        "--list", action="store_true", help="print the argument-less routes not classified"
    )
    args = parser.parse_args()
    if args.list:
        os.environ.setdefault("DATABASE_URL", args.small_url or "sqlite:///:memory:")
        print("\n".join(unclassified()) or "every argument-less route is classified")
        return
    if not (args.small_url and args.large_url):
        sys.exit("Give --small-url and --large-url (PostgreSQL URLs of the 1x and 10x data sets).")
    small = counts_in_child("1x", args.small_url, args)
    large = counts_in_child("10x", args.large_url, args)
    print()
    print("| page | role | path | status 1x / 10x | queries 1x | queries 10x | |")
    print("|---|---|---|---|---:|---:|---|")
    differing, failing = [], []
    for name, a in small.items():
        b = large[name]
        same = a["queries"] == b["queries"]
        # A list may redirect (``/appels/ouverts/`` to the only open call): same answer at both.
        ok = a["status"] == b["status"] and isinstance(a["status"], int) and a["status"] < 400
        if not ok:
            failing.append(name)
            verdict = "failed (an error, or not the same answer)"
        elif not same:
            differing.append(name)
            verdict = "differs"
        else:
            verdict = "equal"
        shown = [str(r["queries"]) if r["queries"] >= 0 else "—" for r in (a, b)]
        print(
            f"| {name} | {a['role']} | `{a['path']}` | {a['status']} / {b['status']} "
            f"| {shown[0]} | {shown[1]} | {verdict} |"
        )
    total = len(small)
    print(
        "RESULT "
        + json.dumps(
            {
                "bench": "queries",
                "figure": f"{total - len(differing) - len(failing)}/{total} list pages with equal "
                "query counts"
                + (f"; differ: {', '.join(differing)}" if differing else "")
                + (f"; failed (error or answers differ): {', '.join(failing)}" if failing else ""),
                "baseline": "the same page's count at 1x",
                "goal": "equal counts at 1x and 10x, every list page (no error)",
                "met": not differing and not failing,
            }
        )
    )
    sys.exit(1 if differing or failing else 0)


if __name__ == "__main__":
    main()
