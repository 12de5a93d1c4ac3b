"""The REST API under /api/v1/: one router per app, mounted here."""

from ninja import NinjaAPI

from essaim.api.auth import BearerOrSession
from essaim.api.errors import install_error_handlers

api = NinjaAPI(
    title="Essaim API",
    version="1",
    description=(
        "Read and act on the programme's data with the permissions of the calling user. "
        "Authenticate with `POST /api/v1/auth/token`, then send `Authorization: Bearer <token>`."
    ),
    urls_namespace="api",
    auth=BearerOrSession(optional=True),
    docs_url="/docs",
    openapi_url="/openapi.json",
)
install_error_handlers(api)


def _mount() -> None:
    from importlib import import_module

    from essaim.api.auth import router as auth_router

    api.add_router("/auth", auth_router)
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
    ):
        api.add_router("", import_module(f"essaim.{app}.api").router)


_mount()
