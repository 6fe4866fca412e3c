"""The platform's URLconf plus a view that fails, for the tests of the 500 page."""

from django.urls import path

from academy.urls import urlpatterns as platform_urlpatterns


def fail(request):
    raise RuntimeError("a bug")


urlpatterns = [path("fail/", fail), *platform_urlpatterns]
