"""The financer's pipeline: « Demandes de financement » (``essaim.core.worklist``), its filters.

For the requests of the viewer's own instruments (the financer):

- *à traiter* — waiting on the financer: received, in instruction (a decision is due);
- *suivis* — granted, the payment to come (it follows the project's progress);
- *traités* — finished: paid, declined, withdrawn.

For the other readers (the holder, the territory's people, the programme's staff) nothing waits
on them: the open and granted requests are *suivis* (waiting on the financer), the finished ones
*traités*. A request has no deadline: each tab shows the oldest sent first (waiting longest) in
« à traiter » and « suivis », the most recent first in « traités ». Requests have no message
thread, so no marker.

Filters (bounded: an unknown value is an error on the field, and the filter is left out): the
instrument and the project's territory, among those of the requests the viewer sees.
"""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from essaim.accounts import permissions
from essaim.core import worklist
from essaim.core.forms import EssaimForm
from essaim.financing.models import FinancingRequest, Instrument
from essaim.financing.workflow import OPEN_STATES, RequestStatus
from essaim.geo.models import Perimeter

R = RequestStatus
FINISHED = [R.DISBURSED, R.DECLINED, R.WITHDRAWN]


def request_tabs(user) -> dict:
    mine = permissions.financer_organisations(user).q("instrument__provider")
    waiting_on_me = mine & Q(status__in=sorted(OPEN_STATES))
    return {
        worklist.TODO: waiting_on_me,
        worklist.FOLLOWED: Q(status=R.GRANTED) | (Q(status__in=sorted(OPEN_STATES)) & ~mine),
        worklist.DONE: Q(status__in=FINISHED),
    }


class _IdChoiceField(forms.ModelChoiceField):
    """A choice among ids: anything but a short number is an unknown choice (no database
    overflow on a huge number)."""

    def to_python(self, value):
        if value not in self.empty_values and not (str(value).isdigit() and len(str(value)) <= 9):
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return super().to_python(value)


class RequestFilterForm(EssaimForm):
    instrument = _IdChoiceField(
        label=_("Outil"), queryset=Instrument.objects.none(), required=False, empty_label=_("Tous")
    )
    territoire = _IdChoiceField(
        label=_("Territoire"),
        queryset=Perimeter.objects.none(),
        required=False,
        empty_label=_("Tous"),
    )

    def __init__(self, *args, requests, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instrument"].queryset = Instrument.objects.filter(
            pk__in=requests.values("instrument_id")
        ).order_by("name")
        self.fields["territoire"].queryset = Perimeter.objects.filter(
            pk__in=requests.values("project__perimeter_id")
        ).order_by("name")


def request_worklist(request, requests):
    """The filter form, the tabs and the current tab's rows of ``requests`` (visible to the
    viewer): one query for the counts, one for the rows."""
    form = RequestFilterForm(request.GET or None, requests=requests)
    filtered = requests
    if form.is_bound:
        form.is_valid()
        data = getattr(form, "cleaned_data", {})
        if data.get("instrument"):
            filtered = filtered.filter(instrument=data["instrument"])
        if data.get("territoire"):
            filtered = filtered.filter(project__perimeter=data["territoire"])
    tabs, rows = worklist.worklist(
        request, filtered, request_tabs(request.user), keep=RequestFilterForm.base_fields
    )
    order = ("-sent_at", "-pk") if tabs.tab == worklist.DONE else ("sent_at", "pk")
    rows = rows.select_related(
        "project", "project__perimeter", "project__holder", "instrument", "sent_by"
    ).order_by(*order)
    return form, tabs, rows


def contact(req: FinancingRequest) -> dict:
    """Who to write to about ``req``: the person who sent it and the holder organisation."""
    user = req.sent_by
    return {
        "name": user.get_full_name() or user.email,
        "email": user.email,
        "organisation": req.project.holder.name,
    }
