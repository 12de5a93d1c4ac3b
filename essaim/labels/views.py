from django.contrib.auth.decorators import login_not_required
from django.http import Http404


def _todo(request, *args, **kwargs):
    raise Http404


verify_form = login_not_required(_todo)
verify = login_not_required(_todo)
certificate = login_not_required(_todo)
territory_list = login_not_required(_todo)
territory_detail = login_not_required(_todo)
label_revoke = wave_list = wave_create = wave_committee = wave_edit = _todo
wave_add = wave_decide = wave_publish = _todo
