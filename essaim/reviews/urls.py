from django.urls import include, path

from essaim.reviews import views

app_name = "reviews"

urlpatterns = [
    # The expert's side: the requests addressed to me.
    path("", views.my_requests, name="my_requests"),
    path("demandes/<int:pk>/", views.request_detail, name="request_detail"),
    path("demandes/<int:pk>/conflit/", views.request_conflict, name="request_conflict"),
    path("demandes/<int:pk>/avis/", views.request_opinion, name="request_opinion"),
    # The instructors' side (views in essaim.reviews.views_instruction).
    path("instruction/", include("essaim.reviews.urls_instruction")),
]
