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
    from essaim.actors.api import router as actors_router
    from essaim.api.auth import router as auth_router
    from essaim.geo.api import router as geo_router

    api.add_router("/auth", auth_router)
    api.add_router("/geo", geo_router)
    api.add_router("/organisations", actors_router)


_mount()
