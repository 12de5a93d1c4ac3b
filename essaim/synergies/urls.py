app_name = "synergies"
urlpatterns: list = []
