"""The instructors' pages, mounted by ``essaim.reviews.urls`` under ``/avis/instruction/`` (URL
names live in the ``reviews`` namespace)."""

from django.urls import path

from essaim.reviews import views_exports, views_thread
from essaim.reviews import views_instruction as views

urlpatterns = [
    path("", views.queue, name="queue"),
    path("exports/", views_exports.exports_page, name="exports"),
    path("exports/<int:pk>.<str:fmt>", views_exports.export, name="export"),
    path("actions-groupees/", views.bulk_action, name="bulk_action"),
    path("<int:pk>/", views.instruction_detail, name="instruction_detail"),
    path(
        "<int:pk>/action/<str:name>/", views.instruction_transition, name="instruction_transition"
    ),
    path("<int:pk>/notes/", views.note_create, name="note_create"),
    path("<int:pk>/messages/", views_thread.message_create, name="instruction_message"),
    path("<int:pk>/attribuer/", views.assign, name="assign"),
    path("<int:pk>/demander-avis/", views.review_request, name="review_request"),
    path("demandes/<int:pk>/annuler/", views.review_cancel, name="review_cancel"),
]
