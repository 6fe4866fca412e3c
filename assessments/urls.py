from django.urls import path

from assessments import views, views_reviewer

app_name = "assessments"
urlpatterns = [
    path("quizzes/<int:quiz_id>/", views.quiz_detail, name="quiz"),
    path("quizzes/<int:quiz_id>/start/", views.attempt_start, name="start"),
    path(
        "quizzes/<int:quiz_id>/learners/<int:user_id>/extra-attempt/",
        views.extra_attempt_grant,
        name="extra_attempt",
    ),
    path("attempts/<int:attempt_id>/", views.attempt_detail, name="attempt"),
    path(
        "attempts/<int:attempt_id>/questions/<int:question_id>/",
        views.answer_save,
        name="answer",
    ),
    path("attempts/<int:attempt_id>/save/", views.attempt_save_all, name="save"),
    path("attempts/<int:attempt_id>/review/", views.attempt_review, name="review"),
    path("courses/<slug:course_slug>/survey/<str:phase>/", views.survey, name="survey"),
    path(
        "courses/<slug:course_slug>/question-bank/",
        views_reviewer.question_bank,
        name="question_bank",
    ),
    path("statistics/", views.statistics_index, name="statistics_index"),
    path("statistics/<int:quiz_id>/", views.quiz_statistics, name="statistics"),
]
