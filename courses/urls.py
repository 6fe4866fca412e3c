from django.urls import path

from courses.views import learner

app_name = "courses"
urlpatterns = [
    path("", learner.catalogue, name="catalogue"),
]
