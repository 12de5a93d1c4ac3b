"""The rows of the permission matrix kept in per-area modules, gathered for
``permission_matrix`` (which is at the logic-line limit)."""

from .permission_matrix_actors_api import ACTORS_API
from .permission_matrix_api_resources import API_RESOURCES
from .permission_matrix_application_people import APPLICATION_PEOPLE_API
from .permission_matrix_applications_api import APPLICATIONS_API
from .permission_matrix_calls import CALLS_API
from .permission_matrix_exports import EXPORTS_API
from .permission_matrix_impact import IMPACT_API, IMPACT_PAGES
from .permission_matrix_impact_actions import IMPACT_ACTIONS_API
from .permission_matrix_impact_more import IMPACT_MORE_API
from .permission_matrix_jobs import JOBS_PAGES
from .permission_matrix_labels import LABELS_API
from .permission_matrix_more_api import MORE_API
from .permission_matrix_news import NEWS_PAGES
from .permission_matrix_opendata import OPENDATA_PAGES
from .permission_matrix_operators_api import OPERATORS_API
from .permission_matrix_partners import PARTNER_PAGES
from .permission_matrix_partners_more import PARTNERS_MORE_API
from .permission_matrix_progdata import PROGDATA_PAGES
from .permission_matrix_regulatory import REGULATORY_API
from .permission_matrix_reviews import REVIEWS_API
from .permission_matrix_settings import SETTINGS_PAGES
from .permission_matrix_support import SUPPORT_API
from .permission_matrix_synergies import SYNERGIES_API, SYNERGIES_PAGES
from .permission_matrix_webhooks import WEBHOOKS_PAGES
from .permission_matrix_window_financing import WINDOW_FINANCING_API

AREA_PAGES = {
    **IMPACT_PAGES,
    **PARTNER_PAGES,
    **SETTINGS_PAGES,
    **PROGDATA_PAGES,
    **OPENDATA_PAGES,
    **SYNERGIES_PAGES,
    **WEBHOOKS_PAGES,
    **NEWS_PAGES,
    **JOBS_PAGES,
}
AREA_API = {
    **IMPACT_API,
    **SYNERGIES_API,
    **API_RESOURCES,
    **REGULATORY_API,
    **REVIEWS_API,
    **SUPPORT_API,
    **LABELS_API,
    **IMPACT_ACTIONS_API,
    **CALLS_API,
    **APPLICATIONS_API,
    **APPLICATION_PEOPLE_API,
    **MORE_API,
    **ACTORS_API,
    **OPERATORS_API,
    **WINDOW_FINANCING_API,
    **IMPACT_MORE_API,
    **EXPORTS_API,
    **PARTNERS_MORE_API,
}
