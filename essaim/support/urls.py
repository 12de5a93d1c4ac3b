from django.urls import path

from essaim.support import views

app_name = "support"
urlpatterns = [
    path("", views.index, name="index"),
    path("mon-plan/", views.my_plan, name="mine"),
    path("programme/", views.programme_view, name="programme"),
    path("plans/<int:pk>/", views.plan_detail, name="plan"),
    path("plans/<int:pk>/frise/", views.plan_timeline, name="timeline"),
    path("plans/<int:pk>/pdf/", views.plan_pdf, name="pdf"),
    path("plans/<int:pk>/actions/nouvelle/", views.action_create, name="action_create"),
    path("plans/<int:pk>/jalons/nouveau/", views.milestone_create, name="milestone_create"),
    path("plans/<int:pk>/reunions/nouvelle/", views.meeting_create, name="meeting_create"),
    path("actions/<int:pk>/", views.action_detail, name="action"),
    path("actions/<int:pk>/modifier/", views.action_edit, name="action_edit"),
    path(
        "actions/<int:pk>/transitions/<slug:name>/",
        views.action_transition,
        name="action_transition",
    ),
    path("actions/<int:pk>/commentaires/", views.action_comment, name="action_comment"),
    path("jalons/<int:pk>/atteint/", views.milestone_reach, name="milestone_reach"),
    path("decisions/<int:pk>/action/", views.decision_to_action, name="decision_to_action"),
]
