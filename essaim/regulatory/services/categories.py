"""A programme's knowledge-base categories, run by its admins: add, rename, reorder, delete (refused
while articles use one). Every change is recorded in the programme's history. ``Theme`` is the
default set a programme starts with (``default_categories_ensure``)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Max, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils.text import slugify
from django.utils.translation import gettext as _

from essaim.calls.history import ProgrammeAction
from essaim.calls.models import Programme
from essaim.core.services import history_record
from essaim.regulatory import rules as access
from essaim.regulatory.models import KnowledgeArticle, KnowledgeCategory, Theme


def _require(user, programme: Programme) -> None:
    if not access.can_manage_categories(user, programme):
        raise PermissionDenied(_("Seuls les administrateurs du programme changent ses catégories."))


def _locked(programme: Programme) -> Programme:
    return Programme.objects.select_for_update().get(pk=programme.pk)


def default_categories_ensure(programme: Programme) -> int:
    """Give ``programme`` the default categories (``Theme``) when it has none; how many were
    created. For a new programme; a programme with categories keeps its own."""
    if KnowledgeCategory.objects.filter(programme=programme).exists():
        return 0
    KnowledgeCategory.objects.bulk_create(
        KnowledgeCategory(programme=programme, code=code, title=str(title), position=position)
        for position, (code, title) in enumerate(Theme.choices, start=1)
    )
    return len(Theme.choices)


def category_choices(programme_id: int | None) -> list[tuple[str, str]]:
    """``(code, title)`` of a programme's categories, in their order (one query)."""
    return list(
        KnowledgeCategory.objects.filter(programme_id=programme_id)
        .order_by("position", "pk")
        .values_list("code", "title")
    )


def public_category_choices() -> list[tuple[str, str]]:
    """The categories the public knowledge base filters on: every programme's, one per code
    (the first programme's title), in their order. One query."""
    seen: dict[str, str] = {}
    for code, title in KnowledgeCategory.objects.order_by(
        "position", "programme_id", "pk"
    ).values_list("code", "title"):
        seen.setdefault(code, title)
    return list(seen.items())


def categories_with_use(programme: Programme) -> list[KnowledgeCategory]:
    """The programme's categories in their order, each with ``article_count`` (one query)."""
    articles = KnowledgeArticle.objects.filter(
        programme_id=OuterRef("programme_id"), theme=OuterRef("code")
    )
    return list(
        KnowledgeCategory.objects.filter(programme=programme)
        .annotate(
            article_count=Coalesce(
                Subquery(
                    articles.order_by()
                    .values("programme_id")
                    .annotate(n=Count("pk"))
                    .values("n")[:1]
                ),
                0,
            )
        )
        .order_by("position", "pk")
    )


def _free_code(programme: Programme, title: str) -> str:
    base = (slugify(title) or "categorie")[:12].strip("-") or "categorie"
    taken = set(
        KnowledgeCategory.objects.filter(programme=programme).values_list("code", flat=True)
    )
    code, n = base, 1
    while code in taken:
        n += 1
        code = f"{base}-{n}"
    return code


def _check(title: str, description: str) -> dict:
    title = (title or "").strip()
    errors = {}
    if not title:
        errors["title"] = _("L'intitulé de la catégorie est obligatoire.")
    elif len(title) > 120:
        errors["title"] = _("L'intitulé tient en 120 caractères au plus.")
    if len(description or "") > 2000:
        errors["description"] = _("La description tient en 2000 caractères au plus.")
    if errors:
        raise ValidationError(errors)
    return {"title": title, "description": (description or "").strip()}


@transaction.atomic
def category_add(*, user, programme: Programme, title: str, description: str = ""):
    """Add a category at the end; its code (what articles store and the configuration file
    names) is made from its title and never changes."""
    _require(user, programme)
    locked = _locked(programme)
    data = _check(title, description)
    last = KnowledgeCategory.objects.filter(programme=locked).aggregate(last=Max("position"))
    category = KnowledgeCategory.objects.create(
        programme=locked,
        code=_free_code(locked, data["title"]),
        position=(last["last"] or 0) + 1,
        **data,
    )
    history_record(
        obj=locked,
        user=user,
        action=ProgrammeAction.CATEGORY_ADD,
        payload={"category": {"code": category.code, "title": category.title}},
    )
    return category


def _locked_category(programme: Programme, pk: int) -> KnowledgeCategory:
    category = (
        KnowledgeCategory.objects.select_for_update().filter(programme=programme, pk=pk).first()
    )
    if category is None:
        raise ValidationError(_("Cette catégorie n'existe plus."))
    return category


@transaction.atomic
def category_update(*, user, category: KnowledgeCategory, title: str, description: str = ""):
    """Rename or describe a category: articles show the new words at once, the code stays."""
    _require(user, category.programme)
    programme = _locked(category.programme)
    locked = _locked_category(programme, category.pk)
    data = _check(title, description)
    changes = {
        name: [getattr(locked, name), value]
        for name, value in data.items()
        if getattr(locked, name) != value
    }
    if changes:
        for name in changes:
            setattr(locked, name, data[name])
        locked.save(update_fields=list(changes))
        history_record(
            obj=programme,
            user=user,
            action=ProgrammeAction.CATEGORY_UPDATE,
            payload={"category": locked.code, "changes": changes},
        )
    return locked


@transaction.atomic
def category_move(*, user, category: KnowledgeCategory, offset: int) -> None:
    """Move a category up (-1) or down (+1); positions are renumbered 1, 2, 3…"""
    _require(user, category.programme)
    programme = _locked(category.programme)
    rows = list(
        KnowledgeCategory.objects.select_for_update()
        .filter(programme=programme)
        .order_by("position", "pk")
    )
    index = next((i for i, row in enumerate(rows) if row.pk == category.pk), None)
    if index is None:
        raise ValidationError(_("Cette catégorie n'existe plus."))
    target = index + (1 if offset > 0 else -1)
    if not 0 <= target < len(rows):
        return
    rows[index], rows[target] = rows[target], rows[index]
    for position, row in enumerate(rows, start=1):
        if row.position != position:
            row.position = position
            row.save(update_fields=["position"])
    history_record(
        obj=programme,
        user=user,
        action=ProgrammeAction.CATEGORY_UPDATE,
        payload={"category": category.code, "changes": {"position": [index + 1, target + 1]}},
    )


@transaction.atomic
def category_delete(*, user, category: KnowledgeCategory) -> None:
    """Delete a category no article uses; one in use is refused (its articles would lose their
    category): rename it instead."""
    _require(user, category.programme)
    programme = _locked(category.programme)
    locked = _locked_category(programme, category.pk)
    used = KnowledgeArticle.objects.filter(Q(programme=programme) & Q(theme=locked.code)).count()
    if used:
        raise ValidationError(
            _(
                "La catégorie « %(title)s » classe %(count)s réponse(s) publiée(s) ou retirée(s) "
                "de la base de connaissances : elle ne peut pas être supprimée. Renommez-la "
                "plutôt."
            )
            % {"title": locked.title, "count": used}
        )
    history_record(
        obj=programme,
        user=user,
        action=ProgrammeAction.CATEGORY_DELETE,
        payload={"category": {"code": locked.code, "title": locked.title}},
    )
    locked.delete()


def programme_created(sender, instance, created, raw=False, **kwargs) -> None:
    """A new programme starts with the default categories (``post_save`` of ``Programme``)."""
    if created and not raw:
        default_categories_ensure(instance)
