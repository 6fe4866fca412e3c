"""The trainer pages, mounted at /trainer/ (namespace "trainer")."""

from django.urls import path

from courses.trainer import classroom_views as classroom
from courses.trainer import views as trainer

app_name = "trainer"
urlpatterns = [
    path("", trainer.home, name="home"),
    path("organisations/<int:organisation_id>/assign/", trainer.assign, name="assign"),
    path("groups/<int:group_id>/", trainer.group_detail, name="group"),
    path("groups/<int:group_id>/export.csv", trainer.group_export, name="group_export"),
    path(
        "groups/<int:group_id>/learners/<int:user_id>/",
        trainer.group_learner,
        name="group_learner",
    ),
    path("assignments/<int:assignment_id>/", trainer.assignment_detail, name="assignment"),
    path(
        "assignments/<int:assignment_id>/export.csv",
        trainer.assignment_export,
        name="assignment_export",
    ),
    path(
        "assignments/<int:assignment_id>/learners/<int:user_id>/",
        trainer.assignment_learner,
        name="assignment_learner",
    ),
    path("assignments/<int:assignment_id>/remind/", trainer.assignment_remind, name="remind"),
    path("assignments/<int:assignment_id>/unassign/", trainer.assignment_unassign, name="unassign"),
    path(
        "assignments/<int:assignment_id>/due-date/",
        trainer.assignment_due_date,
        name="due_date",
    ),
    path("classroom/", classroom.classroom_list, name="classroom"),
    path(
        "organisations/<int:organisation_id>/classroom/",
        classroom.classroom_record,
        name="classroom_record",
    ),
    path("classroom/<int:session_id>/", classroom.classroom_session, name="classroom_session"),
    path("classroom/<int:session_id>/edit/", classroom.classroom_edit, name="classroom_edit"),
    path("classroom/<int:session_id>/delete/", classroom.classroom_delete, name="classroom_delete"),
]
