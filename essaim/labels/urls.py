app_name = "labels"
urlpatterns: list = []
