from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from atlasia.exchange.api import api as exchange_api

admin.site.site_header = "Atlas IA — administration"
admin.site.site_title = "Atlas IA"

urlpatterns = [
    path("admin/", admin.site.urls),
    # REST API (django-ninja): /api/v1/docs, /api/v1/openapi.json
    path("api/v1/", exchange_api.urls),
    # set_language (language switch in the header), usable without login
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("", include("atlasia.www.urls")),
    path("", include("atlasia.www.accounts.urls")),
    path("", include("atlasia.www.publication.urls")),
    path("", include("atlasia.www.lifecycle.urls")),
    path("", include("atlasia.www.qualification.urls")),
    path("", include("atlasia.www.evaluation.urls")),
    path("", include("atlasia.www.monitoring.urls")),
    path("", include("atlasia.www.search.urls")),
    path("", include("atlasia.www.exchange.urls")),
    path("", include("atlasia.www.compliance.urls")),
    path("", include("atlasia.www.campaigns.urls")),
]
