from django.contrib.auth.decorators import login_not_required
from django.contrib.sitemaps import views as sitemap_views
from django.urls import path
from django.views.decorators.http import require_GET

from essaim.portal import news_views, views
from essaim.portal.news_feed import NewsFeed
from essaim.portal.sitemaps import SITEMAPS

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("programmes/", views.programme_list, name="programme_list"),
    path("programmes/<slug:slug>/", views.programme_detail, name="programme"),
    path("accessibilite/", views.accessibility, name="accessibility"),
    path("mentions-legales/", views.legal, name="legal"),
    # News: the programme team's pages first, so that no post's slug hides them.
    path("actualites/", news_views.news_list, name="news_list"),
    path("actualites/flux.atom", login_not_required(require_GET(NewsFeed())), name="news_feed"),
    path("actualites/gestion/", news_views.news_manage, name="news_manage"),
    path("actualites/gestion/nouvelle/", news_views.news_create, name="news_create"),
    path("actualites/gestion/<int:pk>/", news_views.news_edit, name="news_edit"),
    path("actualites/gestion/<int:pk>/<str:name>/", news_views.news_status, name="news_status"),
    path("actualites/<slug:slug>/", news_views.news_detail, name="news_detail"),
    path("actualites/<slug:slug>/image/", news_views.news_image, name="news_image"),
    path(
        "sitemap.xml",
        login_not_required(require_GET(sitemap_views.index)),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "portal:sitemap_section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        login_not_required(require_GET(sitemap_views.sitemap)),
        {"sitemaps": SITEMAPS},
        name="sitemap_section",
    ),
]
