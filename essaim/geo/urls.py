from django.urls import path

from essaim.geo import views

app_name = "geo"
urlpatterns = [
    path("perimetres/", views.perimeter_list, name="perimeter_list"),
    path("nouveau-perimetre/", views.perimeter_create_view, name="perimeter_create"),
    path("perimetres/<slug:slug>/", views.perimeter_detail, name="perimeter_detail"),
    path("perimetres/<slug:slug>/modifier/", views.perimeter_update_view, name="perimeter_update"),
    path("recherche", views.unit_search, name="unit_search"),
]
