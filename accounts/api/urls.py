urlpatterns = []  # under /api/
v1_urlpatterns = []  # under /api/v1/
