from django.urls import path

from essaim.webhooks import views

app_name = "webhooks"
urlpatterns = [
    path("", views.subscription_list, name="list"),
    path("nouveau/", views.subscription_create, name="create"),
    path("<int:pk>/", views.subscription_detail, name="detail"),
    path("<int:pk>/secret/", views.subscription_secret, name="secret"),
    path("<int:pk>/secret/renouveler/", views.subscription_secret_rotate, name="secret_rotate"),
    path("envois/<int:pk>/rejouer/", views.delivery_replay, name="replay"),
]
