"""The files answering an application's form fields of kind ``file`` (its attachments), outside
the page's form: one upload to one field (the same checks of type and size as the page, by the
form engine), and the removal of an attachment with the answers naming it. Both are the editors'
while the application may be edited (``applying.require_edit``)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from essaim.applications.models import Application, Attachment
from essaim.applications.services.applying import (
    application_save_answers,
    engine_for,
    require_edit,
)


def _upload_data(application: Application, path: str, upload) -> dict:
    """The answers payload putting ``upload`` at ``path`` (``key``, or ``key.index.sub`` in a
    repeated block that exists), keeping the block's other items as they are."""
    fields = engine_for(application).fields
    parts = path.split(".")
    if len(parts) == 1:
        spec = fields.get(path)
        if spec is not None and spec["kind"] == "file":
            return {path: upload}
    elif len(parts) == 3 and parts[1].isascii() and parts[1].isdigit():
        key, index, sub = parts[0], int(parts[1]), parts[2]
        spec = fields.get(key)
        blocks = application.answers.get(key)
        subs = {s["key"]: s for s in spec["fields"]} if spec and spec["kind"] == "repeat" else {}
        if (
            sub in subs
            and subs[sub]["kind"] == "file"
            and isinstance(blocks, list)
            and index < len(blocks)
        ):
            items = [{} for _block in blocks]
            items[index] = {sub: upload}
            return {key: items}
    raise ValidationError(
        {"field": _("« %(field)s » n'est pas un champ fichier de ce formulaire.") % {"field": path}}
    )


@transaction.atomic
def attachment_upload(*, user, application: Application, field: str, upload) -> Attachment:
    """Attach ``upload`` as the answer to the file field ``field``; a refused file (type, size)
    is an error naming ``file``."""
    require_edit(user, application)
    if upload is None:
        raise ValidationError({"file": _("Joignez un fichier.")})
    data = _upload_data(application, field, upload)
    result = application_save_answers(user=user, application=application, data=data)
    if result.errors:
        raise ValidationError({"file": list(result.errors.values())})
    return application.attachments.filter(field_key=field).order_by("-pk").first()


def _without(value, attachment_id: int):
    """``value`` (an answer) with every file answer naming ``attachment_id`` removed."""
    if isinstance(value, list):
        return [_without(item, attachment_id) for item in value]
    if isinstance(value, dict):
        return {
            k: _without(v, attachment_id)
            for k, v in value.items()
            if not (isinstance(v, dict) and v.get("attachment") == attachment_id)
        }
    return value


@transaction.atomic
def attachment_remove(*, user, application: Application, attachment: Attachment) -> None:
    """Remove an attachment and the answers naming it (the field is then to answer again)."""
    require_edit(user, application)
    if attachment.application_id != application.pk:
        raise PermissionDenied
    locked = Application.objects.select_for_update().get(pk=application.pk)
    locked.answers = _without(locked.answers, attachment.pk)
    locked.save(update_fields=["answers", "updated_at"])
    application.answers = locked.answers
    stored = attachment.file
    attachment.delete()
    transaction.on_commit(lambda: stored.delete(save=False))
