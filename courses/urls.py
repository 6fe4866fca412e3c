from django.urls import path

from courses.views import learner, review_due, reviewer

app_name = "courses"
urlpatterns = [
    path("", learner.catalogue, name="catalogue"),
    path("my/", learner.my_learning, name="my_learning"),
    path("review/", reviewer.review_list, name="review_list"),
    path("review-due/", review_due.review_due, name="review_due"),
    path("<slug:slug>/", learner.course_detail, name="course"),
    path("<slug:slug>/enrol/", learner.course_enrol, name="enrol"),
    path("<slug:slug>/lessons/<slug:lesson_slug>/", learner.lesson_detail, name="lesson"),
    path("<slug:slug>/lessons/<slug:lesson_slug>/done/", learner.lesson_done, name="lesson_done"),
    path("<slug:slug>/review/", reviewer.course_review, name="review"),
    path(
        "<slug:slug>/review/lessons/<slug:lesson_slug>/",
        reviewer.lesson_review,
        name="review_lesson",
    ),
]
