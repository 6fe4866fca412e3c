from django.urls import path

from courses.views import learner

app_name = "courses"
urlpatterns = [
    path("", learner.catalogue, name="catalogue"),
    path("my/", learner.my_learning, name="my_learning"),
    path("<slug:slug>/", learner.course_detail, name="course"),
    path("<slug:slug>/enrol/", learner.course_enrol, name="enrol"),
    path("<slug:slug>/lessons/<slug:lesson_slug>/", learner.lesson_detail, name="lesson"),
    path("<slug:slug>/lessons/<slug:lesson_slug>/done/", learner.lesson_done, name="lesson_done"),
]
