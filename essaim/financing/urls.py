app_name = "financing"
urlpatterns: list = []
