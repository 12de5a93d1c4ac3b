"""The instruction page's thread: the programme's staff write to the applicant (the messages of
``essaim.applications``, read on the instruction page by ``views_instruction``)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from essaim.applications.forms import MessageForm
from essaim.applications.services.applying import message_post
from essaim.core.forms import add_service_errors
from essaim.reviews.views_instruction import _get_application, instruction_detail


@require_POST
def message_create(request, pk: int):
    """Write to the applicant from the instruction page (the application's thread)."""
    application = _get_application(request, pk)
    form = MessageForm(request.POST, request.FILES, prefix="thread")
    if form.is_valid():
        try:
            message_post(
                user=request.user,
                application=application,
                body=form.cleaned_data["body"],
                attachment=form.cleaned_data.get("attachment"),
            )
            messages.success(request, _("Message envoyé au porteur."))
            return redirect(reverse("reviews:instruction_detail", args=[pk]) + "#thread")
        except ValidationError as error:
            add_service_errors(form, error)
    return instruction_detail(request, pk, forms_override={"message": form}, status=422)
