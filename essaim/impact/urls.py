from django.urls import path

from essaim.impact import views, views_campaigns, views_library, views_reports

app_name = "impact"
urlpatterns = [
    path("", views.library, name="library"),
    path("espace/", views.home, name="home"),
    path(
        "programmes/<slug:slug>/indicateurs/nouveau/",
        views_library.indicator_create,
        name="indicator_create",
    ),
    path("indicateurs/<int:pk>/modifier/", views_library.indicator_edit, name="indicator_edit"),
    path("projets/<int:pk>/plan/", views_library.project_plan, name="project_plan"),
    path(
        "projets/<int:pk>/plan/<int:indicator>/",
        views_library.project_plan_edit,
        name="project_plan_edit",
    ),
    path("territoires/<int:pk>/", views.territory, name="territory"),
    path("territoires/<int:pk>/saisir/", views.measurement_create, name="measurement_create"),
    path("territoires/<int:pk>/import/", views.csv_upload, name="csv_upload"),
    path("territoires/<int:pk>/publier/", views.publish, name="publish"),
    path("territoires/<int:pk>/plan/<int:indicator>/", views.plan_edit, name="plan_edit"),
    path(
        "projets/<int:pk>/saisir/",
        views.project_measurement_create,
        name="project_measurement_create",
    ),
    path("mesures/<int:pk>/", views.measurement_detail, name="measurement"),
    path("mesures/<int:pk>/corriger/", views.measurement_correct, name="measurement_correct"),
    path("mesures/<int:pk>/verifier/", views.measurement_review, name="measurement_review"),
    path("campagnes/", views_campaigns.campaign_list, name="campaigns"),
    path(
        "programmes/<slug:slug>/campagnes/nouvelle/",
        views_campaigns.campaign_create,
        name="campaign_create",
    ),
    path("campagnes/<int:pk>/", views_campaigns.campaign_detail, name="campaign"),
    path(
        "campagnes/<int:pk>/etat/<slug:status>/",
        views_campaigns.campaign_status,
        name="campaign_status",
    ),
    path("campagnes/<int:pk>/relancer/", views_campaigns.campaign_remind, name="campaign_remind"),
    path("donnees/", views_campaigns.open_data, name="open_data"),
    path("donnees/agregats.csv", views_campaigns.aggregates_csv, name="aggregates_csv"),
    path("donnees/agregats.json", views_campaigns.aggregates_json, name="aggregates_json"),
    path("rapports/", views_reports.report_list, name="reports"),
    path(
        "programmes/<slug:slug>/rapports/nouveau/",
        views_reports.report_create,
        name="report_create",
    ),
    path("rapports/<int:pk>/", views_reports.report_detail, name="report"),
    path("rapports/<int:pk>/etat.json", views_reports.report_status, name="report_status"),
    path("rapports/<int:pk>/generer/", views_reports.report_generate, name="report_generate"),
    path("rapports/<int:pk>/publier/", views_reports.report_publish, name="report_publish"),
    path("rapports/<int:pk>/rapport.pdf", views_reports.report_pdf, name="report_pdf"),
    path(
        "rapports/<int:pk>/sections/nouvelle/",
        views_reports.section_create,
        name="report_section_create",
    ),
    path("rapports/sections/<int:pk>/", views_reports.section_edit, name="report_section"),
    path(
        "rapports/sections/<int:pk>/supprimer/",
        views_reports.section_delete,
        name="report_section_delete",
    ),
]
