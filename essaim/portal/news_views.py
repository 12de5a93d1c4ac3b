"""The news pages: the public list (per programme), a post, its image and the Atom feed; and, for
the programme's team (from "Mon espace"), its posts, the form that writes one, publication.
Views stay thin: ``news_queries`` reads, ``news_services`` writes, ``rules`` answers "who may"."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from essaim.calls.models import Programme
from essaim.core.forms import add_service_errors
from essaim.core.history import history_rows
from essaim.core.pagination import paginate
from essaim.portal import news_queries, news_services, rules
from essaim.portal.models import NewsPost
from essaim.portal.news_forms import IMAGE_FORMATS, NewsPostForm
from essaim.portal.news_markdown import render_markdown

PER_PAGE = 10
TEAM_PER_PAGE = 25
HISTORY_SHOWN = 20
IMAGE_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".webp": "image/webp"}


@login_not_required
@require_GET
def news_list(request):
    programme = None
    wanted = request.GET.get("programme", "")
    if wanted:
        programme = Programme.objects.filter(slug=wanted[:50]).first()
        if programme is None:
            raise Http404(
                _("Aucun programme n'a l'identifiant « %(slug)s ».") % {"slug": wanted[:50]}
            )
    page = paginate(request, news_queries.public_news(programme), PER_PAGE)
    return render(
        request,
        "portal/news/list.html",
        {
            "page_obj": page,
            "posts": page.object_list,
            "programme": programme,
            "programmes": list(news_queries.news_programmes()),
            "query": f"programme={programme.slug}" if programme else "",
        },
    )


@login_not_required
@require_GET
def news_detail(request, slug: str):
    post = get_object_or_404(
        NewsPost.objects.visible_to(request.user).select_related("programme", "author"),
        slug=slug[:120],
    )
    return render(
        request,
        "portal/news/detail.html",
        {
            "post": post,
            "body_html": render_markdown(post.body),
            "can_edit": rules.can_write_news(request.user, post.programme),
        },
    )


@login_not_required
@require_GET
def news_image(request, slug: str):
    """A post's image, seen by whoever may read the post; served with the type its file was
    checked for, never sniffed as something else."""
    post = get_object_or_404(
        NewsPost.objects.visible_to(request.user).only("slug", "image"), slug=slug[:120]
    )
    if not post.image:
        raise Http404
    kind = IMAGE_TYPES.get(post.image.name[post.image.name.rfind(".") :].lower())
    if kind not in IMAGE_FORMATS.values():
        raise Http404
    try:
        handle = post.image.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=kind)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'"
    response["Cache-Control"] = "public, max-age=3600" if post.is_public else "private, no-store"
    return response


# --- The programme's team ----------------------------------------------------------------------


def _require_team(request) -> None:
    if not rules.can_manage_news(request.user):
        raise PermissionDenied(_("Seule l'équipe d'un programme écrit des actualités."))


def _team_post(request, pk: int) -> NewsPost:
    """A post of a programme ``request.user`` writes news for; another's is a 404."""
    return get_object_or_404(
        NewsPost.objects.of_staff(request.user).select_related("programme", "author"), pk=pk
    )


@require_GET
def news_manage(request):
    _require_team(request)
    page = paginate(request, news_queries.team_news(request.user), TEAM_PER_PAGE)
    return render(request, "portal/news/manage.html", {"page_obj": page, "posts": page.object_list})


def _programmes(user):
    return rules.news_programme_ids(user).filter(Programme.objects.order_by("name"), "pk")


def news_create(request):
    _require_team(request)
    posted = request.method == "POST"
    form = NewsPostForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        programmes=_programmes(request.user),
    )
    if posted and form.is_valid():
        data = form.cleaned_data
        try:
            post = news_services.news_create(
                user=request.user,
                programme=data["programme"],
                image=data["image"],
                **form.text_fields(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("L'actualité est enregistrée comme brouillon."))
            return redirect("portal:news_edit", pk=post.pk)
    return render(
        request,
        "portal/news/form.html",
        {"form": form, "post": None},
        status=422 if form.is_bound else 200,
    )


def news_edit(request, pk: int):
    post = _team_post(request, pk)
    posted = request.method == "POST"
    form = NewsPostForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        programmes=None,
        post=post,
        initial={
            "title": post.title,
            "summary": post.summary,
            "body": post.body,
            "published_at": post.published_at,
            "image_alt": post.image_alt,
        },
    )
    if posted and form.is_valid():
        try:
            news_services.news_update(
                user=request.user, post=post, image=form.image_change(), **form.text_fields()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("L'actualité est enregistrée."))
            return redirect("portal:news_edit", pk=post.pk)
    return render(
        request,
        "portal/news/form.html",
        {
            "form": form,
            "post": post,
            "history": history_rows(post, limit=HISTORY_SHOWN),
        },
        status=422 if form.is_bound else 200,
    )


@require_POST
def news_status(request, pk: int, name: str):
    post = _team_post(request, pk)
    actions = {
        "publier": (news_services.news_publish, _("L'actualité est publiée.")),
        "depublier": (news_services.news_unpublish, _("L'actualité est retirée du portail.")),
    }
    if name not in actions:
        raise Http404
    service, done = actions[name]
    try:
        service(user=request.user, post=post)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect("portal:news_edit", pk=post.pk)
