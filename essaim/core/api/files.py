"""Files through the API: always downloaded (``application/octet-stream`` as an attachment under
its own name), never rendered — an uploaded HTML page stays a file — and documented as such."""

from django.http import FileResponse

# ``openapi_extra`` of a download operation.
BINARY = {
    "responses": {
        200: {
            "description": "The file, as an attachment (its name in `Content-Disposition`)",
            "content": {
                "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
            },
        }
    }
}


def download(field_file, name: str) -> FileResponse:
    """The stored ``field_file`` as a download named ``name``."""
    return FileResponse(
        field_file.open("rb"),
        as_attachment=True,
        filename=name,
        content_type="application/octet-stream",
    )
