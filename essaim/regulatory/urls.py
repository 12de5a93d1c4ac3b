app_name = "regulatory"
urlpatterns: list = []
