"""The REST API under /api/v1/: one router per app, mounted here."""

from importlib import import_module

from ninja import NinjaAPI

from essaim.accounts.api_auth import BearerOrSession
from essaim.accounts.api_auth import router as auth_router
from essaim.core.api.errors import install_error_handlers
from essaim.core.api.openapi import document_errors
from essaim.core.api.parser import GuardedParser

IDEMPOTENCY_PARAMETER = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "schema": {"type": "string", "minLength": 1, "maxLength": 128, "pattern": "^[A-Za-z0-9_.:-]+$"},
    "description": (
        "Any unique string (a UUID). The same call sent again with the same key gets the first "
        "call's response instead of acting twice; while the first still runs, 409; the same key "
        "with another body, 422. Keys are kept a day, per user. See docs/api.md."
    ),
}

TOO_MANY_REQUESTS = {
    "description": (
        "Too many calls: per API token, and per IP address for anonymous calls (see docs/api.md). "
        "The `Retry-After` header gives the seconds to wait."
    ),
    "headers": {"Retry-After": {"schema": {"type": "integer", "minimum": 1}}},
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "properties": {"detail": {"type": "string"}},
                "required": ["detail"],
            }
        }
    },
}


class EssaimAPI(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        """Every POST, PUT and PATCH documents the optional ``Idempotency-Key`` header
        (``essaim.core.idempotency`` honours it for every one of them); every operation its
        error answers (``essaim.core.api.openapi``)."""
        schema = document_errors(super().get_openapi_schema(*args, **kwargs))
        for operations in schema.get("paths", {}).values():
            for method, operation in operations.items():
                if method in {"post", "put", "patch"}:
                    operation.setdefault("parameters", []).append(IDEMPOTENCY_PARAMETER)
                responses = operation.setdefault("responses", {})
                if 429 not in responses and "429" not in responses:  # ninja's keys are ints
                    responses[429] = TOO_MANY_REQUESTS
        return schema


api = EssaimAPI(
    title="Essaim API",
    version="1",
    description=(
        "Read and act on the programme's data with the permissions of the calling user. "
        "Authenticate with `POST /api/v1/auth/token`, then send `Authorization: Bearer <token>`. "
        "Every POST, PUT and PATCH accepts an `Idempotency-Key` header: the same call sent twice "
        "with the same key acts once."
    ),
    urls_namespace="api",
    auth=BearerOrSession(optional=True),
    docs_url="/docs",
    openapi_url="/openapi.json",
    parser=GuardedParser(),
)
install_error_handlers(api)


def _mount() -> None:
    api.add_router("/auth", auth_router)
    api.add_router("/auth", import_module("essaim.accounts.api_tokens").router)
    # The caller's background jobs (exports, certificate batches): progress and file.
    api.add_router("", import_module("essaim.accounts.api_jobs").router)
    # Each app's api.py holds one router with its own paths (e.g. "/labels", "/calls").
    for app in (
        "geo",
        "actors",
        "calls",
        "applications",
        "reviews",
        "labels",
        "support",
        "projects",
        "financing",
        "regulatory",
        "synergies",
        "impact",
        "portal",
        "operators",
        "webhooks",
    ):
        api.add_router("", import_module(f"essaim.{app}.api").router)
    # The ecosystem network has its own router in synergies (``/network/{territory}``).
    api.add_router("", import_module("essaim.synergies.network_api").router)
    api.add_router("", import_module("essaim.synergies.events_api").router)
    # A ticket's actions and thread beside the tickets (regulatory.api).
    api.add_router("", import_module("essaim.regulatory.api_tickets").router)
    # A ticket's conversion and publication, experimentation actions, the held mail.
    api.add_router("", import_module("essaim.regulatory.api_actions").router)
    # An application's collective, challenges, thread and attachments (applications.api).
    api.add_router("", import_module("essaim.applications.api_collective").router)
    api.add_router("", import_module("essaim.applications.api_exchanges").router)
    # The instruction's writes (notes, assignment, review requests) beside the reviews.
    api.add_router("", import_module("essaim.reviews.api_instruction").router)
    # The instruction queue's exports (CSV streamed; XLSX and ZIP as background jobs).
    api.add_router("", import_module("essaim.reviews.api_exports").router)
    # A support plan's co-construction (action edit, comments, milestones, meetings).
    api.add_router("", import_module("essaim.support.api_plan").router)
    # A programme's settings (categories, support axes) beside its team (operators.api).
    api.add_router("", import_module("essaim.operators.api_settings").router)
    # An organisation's confirmation, people and partnerships beside the directory (actors.api).
    api.add_router("", import_module("essaim.actors.api_organisation").router)
    # A project's needs beside the projects (projects.api).
    api.add_router("", import_module("essaim.projects.api_needs").router)
    # Its settings, configuration file and referenced instruments; a new programme.
    api.add_router("", import_module("essaim.operators.api_programme").router)
    # A call's form (its draft version and publication) and scoring grid beside the call.
    api.add_router("", import_module("essaim.calls.api_edit").router)
    # Impact's campaigns and evaluation reports beside its indicators and measurements.
    api.add_router("", import_module("essaim.impact.api_campaigns").router)
    # Impact's library and plans (indicator create/replace, a territory's or project's plan).
    api.add_router("", import_module("essaim.impact.api_library").router)
    # A financing request's documents and the alerts on instruments beside the requests.
    api.add_router("", import_module("essaim.financing.api_follow").router)


_mount()
