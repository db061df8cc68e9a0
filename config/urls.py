from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Atlas IA — administration"
admin.site.site_title = "Atlas IA"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("atlasia.www.urls")),
    path("", include("atlasia.www.publication.urls")),
    path("", include("atlasia.www.lifecycle.urls")),
    path("", include("atlasia.www.qualification.urls")),
    path("", include("atlasia.www.search.urls")),
]
