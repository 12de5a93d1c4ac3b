from django.urls import path

from essaim.projects import views

app_name = "projects"
urlpatterns = [
    path("", views.directory, name="directory"),
    path("nouveau/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/modifier/", views.edit, name="edit"),
    path("<int:pk>/besoins/", views.need_add, name="need_add"),
]
