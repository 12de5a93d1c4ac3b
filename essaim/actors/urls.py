from django.urls import path

from essaim.actors import views

app_name = "actors"
urlpatterns = [
    path("", views.directory, name="directory"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation_detail"),
]
