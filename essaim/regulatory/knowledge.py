"""The public knowledge base of a programme's single window: its categories, run by the
programme's admins, and the published, anonymised answers (``models`` imports both, so the app's
models are all there)."""

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _

from essaim.regulatory.workflow import Outcome


class RuleLevel(models.TextChoices):
    EU_LAW = "eu_law", _("droit de l'Union européenne")
    LAW = "law", _("loi")
    DECREE = "decree", _("décret")
    ORDER = "order", _("arrêté")
    CIRCULAR = "circular", _("circulaire")
    LOCAL_RULE = "local_rule", _("règle locale")


class Theme(models.TextChoices):
    FOOD = "food", _("alimentation et agriculture")
    HEALTH = "health", _("santé et médico-social")
    EMPLOYMENT = "employment", _("emploi et insertion")
    HOUSING = "housing", _("logement et urbanisme")
    MOBILITY = "mobility", _("mobilité")
    ENVIRONMENT = "environment", _("environnement et déchets")
    FINANCE = "finance", _("financement et fiscalité")
    LEGAL_FORM = "legal_form", _("statuts et commande publique")
    OTHER = "other", _("autre")


class KnowledgeCategory(models.Model):
    """A category of a programme's knowledge base (and of the tickets' theme), run by the
    programme's admins from its settings page. ``code`` is what articles store and what the
    public filter and the configuration file name; ``Theme`` is the default set each programme
    starts with."""

    programme = models.ForeignKey(
        "calls.Programme",
        on_delete=models.CASCADE,
        related_name="knowledge_categories",
        verbose_name=_("programme"),
    )
    code = models.SlugField(_("code"), max_length=16)
    title = models.CharField(_("intitulé"), max_length=120)
    description = models.TextField(_("description"), blank=True, max_length=2000)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("catégorie de la base de connaissances")
        verbose_name_plural = _("catégories de la base de connaissances")
        ordering = ["programme", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "code"], name="knowledge_category_code_per_programme"
            )
        ]

    def __str__(self) -> str:
        return self.title


class KnowledgeArticle(models.Model):
    """A published, anonymised question and answer. Only these fields are ever shown to the
    public: nothing is read from the ticket at display time."""

    ticket = models.OneToOneField(
        "regulatory.Ticket",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="article",
        verbose_name=_("saisine d'origine"),
    )
    # The programme whose knowledge base holds the article (its ticket's when there is one):
    # its ``theme`` is one of this programme's ``KnowledgeCategory`` codes.
    programme = models.ForeignKey(
        "calls.Programme",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="knowledge_articles",
        verbose_name=_("programme"),
    )
    slug = models.SlugField(_("identifiant"), max_length=120, unique=True)
    question = models.TextField(_("question"))
    answer = models.TextField(_("réponse"))
    title = models.CharField(_("titre"), max_length=255)
    # The code of a category of the article's programme (``KnowledgeCategory.code``).
    theme = models.CharField(_("thème"), max_length=16)
    rule_level = models.CharField(
        _("niveau de la règle"), max_length=16, choices=RuleLevel.choices, blank=True
    )
    rule_reference = models.CharField(_("règle"), max_length=255, blank=True)
    outcome = models.CharField(_("issue"), max_length=32, choices=Outcome.choices, blank=True)
    is_published = models.BooleanField(_("publiée"), default=False)
    published_at = models.DateTimeField(_("publiée le"), null=True, blank=True)
    is_fictitious = models.BooleanField(_("fictive (démo)"), default=False)
    search_text = models.TextField(editable=False, blank=True)
    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        verbose_name = _("réponse publiée")
        verbose_name_plural = _("base de connaissances")
        ordering = ["-published_at", "-pk"]

    def __str__(self) -> str:
        return self.title
