"""The error answers every operation of the OpenAPI document gets, added to the document as a
whole (``EssaimAPI.get_openapi_schema``) so that an endpoint added tomorrow is documented too.

What the code answers (``essaim.core.api.errors``, ``essaim.accounts.api_auth``,
``essaim.core.idempotency``), whatever the endpoint:

- 400: a body that is not JSON or not UTF-8, a malformed ``Idempotency-Key`` (writes);
- 401: missing (where required), unknown, expired or revoked credentials;
- 403: the caller may not (its role, a read-only token writing, a missing second factor);
- 404: an unknown or hidden object of the path (operations with a path parameter);
- 409: an ``Idempotency-Key`` whose first call still runs (POST, PUT, PATCH);
- 422: a parameter or a field out of bounds, each error naming it;
- 429: too many calls (``Retry-After``).

An operation's own declaration of a status (e.g. a transition's 409) is kept.
"""

ERROR = "ApiError"
VALIDATION_ERROR = "ApiValidationError"

SCHEMAS = {
    ERROR: {
        "title": ERROR,
        "type": "object",
        "properties": {"detail": {"type": "string", "description": "a French message"}},
        "required": ["detail"],
    },
    VALIDATION_ERROR: {
        "title": VALIDATION_ERROR,
        "type": "object",
        "properties": {
            "detail": {"type": "string", "description": "every error, `field: message`; …"},
            "errors": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "field": {
                            "type": "string",
                            "description": "the parameter or field (dotted path), "
                            "`__all__` for the whole request",
                        },
                        "message": {"type": "string"},
                    },
                    "required": ["field", "message"],
                },
            },
        },
        # A refused ``Idempotency-Key`` (400) or one reused for another call (422) has no
        # field to name: ``detail`` only.
        "required": ["detail"],
    },
}


def _answer(description: str, schema: str) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
    }


BAD_BODY = _answer(
    "The body is not JSON or not UTF-8, or the `Idempotency-Key` header is malformed.",
    VALIDATION_ERROR,
)
UNAUTHENTICATED = _answer(
    "Credentials missing (where required), unknown, expired or revoked.", ERROR
)
FORBIDDEN = _answer(
    "The caller may not: its role, a read-only token writing, a second factor not set up.", ERROR
)
NOT_FOUND = _answer("No such object, or not visible to the caller.", ERROR)
IDEMPOTENCY_CONFLICT = _answer(
    "The first call with this `Idempotency-Key` is still running: send it again later.", ERROR
)
INVALID = _answer(
    "A parameter or field is invalid or out of bounds: each error names it.", VALIDATION_ERROR
)
WRITES = {"post", "put", "patch"}


def document_errors(schema: dict) -> dict:
    """``schema`` (django-ninja's document) with every operation's error answers."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for name, definition in SCHEMAS.items():
        components.setdefault(name, definition)
    for path, operations in schema.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            parameters = operation.get("parameters", [])
            wanted = {401: UNAUTHENTICATED, 403: FORBIDDEN}
            if "{" in path:
                wanted[404] = NOT_FOUND
            if parameters or "requestBody" in operation:
                wanted[422] = INVALID
            if "requestBody" in operation or method in WRITES:
                wanted[400] = BAD_BODY
            if method in WRITES:
                # Every write takes an ``Idempotency-Key``: refused (400), still running (409),
                # reused for another call (422).
                wanted[409] = IDEMPOTENCY_CONFLICT
                wanted[422] = INVALID
            for status, answer in wanted.items():
                if status not in responses and str(status) not in responses:
                    responses[status] = answer
    return schema
