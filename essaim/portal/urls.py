from django.urls import path

from essaim.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("accessibilite/", views.accessibility, name="accessibility"),
    path("mentions-legales/", views.legal, name="legal"),
]
