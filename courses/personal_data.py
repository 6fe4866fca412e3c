"""What the courses app keeps about a person, for "download my data" and "delete my account"
(registered in ``CoursesConfig.ready``; see ``accounts.hooks``).

Exported: enrolments with the progress per lesson, the measured study time (seconds per lesson,
as the server measured it; see ``courses.services.learning``), the courses assigned to the
person (directly or through a group), the reminders and weekly overviews sent to them, and the
courses they may review for an accrediting body (reviewer access).
Erased: the person's name or address in the messages trainers wrote with an assignment.
Enrolments, lesson progress and reminder guards stay, pointing to the anonymous account, so that
completions per course and organisation stay right; they hold no name or address.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Prefetch, Q

from accounts.erasure import ErasedPerson
from accounts.hooks import exports
from accounts.personal_data import iso
from courses.models import (
    Assignment,
    ClassroomAttendance,
    ClassroomSession,
    CourseReviewer,
    Enrolment,
    LessonProgress,
    ReminderSent,
    TrainerOverviewSent,
)


def _enrolments(user):
    return (
        Enrolment.objects.filter(user=user)
        .select_related("course", "organisation", "last_opened_lesson")
        .prefetch_related(
            Prefetch(
                "progress",
                queryset=LessonProgress.objects.select_related("lesson").order_by(
                    "lesson__position"
                ),
            )
        )
        .order_by("created_at", "pk")
    )


@exports("courses.Enrolment", "courses.LessonProgress")
def learning_section(*, user) -> dict:
    enrolments = list(_enrolments(user))
    return {
        "enrolments": [
            {
                "course": enrolment.course.slug,
                "course_title": enrolment.course.title_nl,
                "organisation": enrolment.organisation.name if enrolment.organisation else None,
                "source": enrolment.source,
                "version_started": enrolment.version_started,
                "version_completed": enrolment.version_completed,
                "enrolled_at": iso(enrolment.created_at),
                "started_at": iso(enrolment.started_at),
                "completed_at": iso(enrolment.completed_at),
                "restarted_at": iso(enrolment.restarted_at),
                "last_activity_at": iso(enrolment.last_activity_at),
                "last_opened_lesson": (
                    enrolment.last_opened_lesson.slug if enrolment.last_opened_lesson else None
                ),
                "final_quiz_passed_at": iso(enrolment.final_quiz_passed_at),
                "progress_percent": enrolment.progress_percent,
                "lessons": [
                    {
                        "lesson": progress.lesson.slug,
                        "lesson_title": progress.lesson.title_nl,
                        "first_seen_at": iso(progress.first_seen_at),
                        "last_seen_at": iso(progress.last_seen_at),
                        "completed_at": iso(progress.completed_at),
                        "seconds_spent": progress.seconds_spent,
                    }
                    for progress in enrolment.progress.all()
                ],
            }
            for enrolment in enrolments
        ],
        # Measured on the server: the time between two requests on an enrolment, credited to
        # the lesson on screen, at most 30 minutes per gap. Only the person sees these minutes.
        "study_time": [
            {
                "course": enrolment.course.slug,
                "total_seconds": sum(p.seconds_spent for p in enrolment.progress.all()),
                "seconds_per_lesson": {
                    p.lesson.slug: p.seconds_spent for p in enrolment.progress.all()
                },
            }
            for enrolment in enrolments
        ],
    }


@exports(
    "courses.Assignment",
    "courses.Assignment_learners",
    "courses.ReminderSent",
    "courses.TrainerOverviewSent",
)
def assignment_section(*, user) -> dict:
    assignments = (
        Assignment.objects.filter(Q(learners=user) | Q(group__group_members__user=user))
        .select_related("course", "organisation", "group")
        .distinct()
        .order_by("due_date", "pk")
    )
    reminders = (
        ReminderSent.objects.filter(user=user)
        .select_related("assignment__course")
        .order_by("sent_at", "pk")
    )
    return {
        "assignments": [
            {
                "course": assignment.course.slug,
                "organisation": assignment.organisation.name,
                "group": assignment.group.name if assignment.group else None,
                "due_date": iso(assignment.due_date),
                "message": assignment.message,
                "assigned_at": iso(assignment.created_at),
                "withdrawn_at": iso(assignment.unassigned_at),
            }
            for assignment in assignments
        ],
        "reminders_received": [
            {
                "course": reminder.assignment.course.slug,
                "stage": reminder.stage,
                "sent_at": iso(reminder.sent_at),
            }
            for reminder in reminders
        ],
        "weekly_overviews_received": [
            iso(week)
            for week in TrainerOverviewSent.objects.filter(user=user)
            .order_by("week")
            .values_list("week", flat=True)
        ],
    }


@exports("courses.CourseReviewer")
def reviewer_section(*, user) -> dict:
    return {
        "course_reviews": [
            {
                "course": review.course.slug,
                "on_behalf_of": review.on_behalf_of,
                "valid_until": iso(review.valid_until),
                "granted_at": iso(review.created_at),
            }
            for review in CourseReviewer.objects.filter(user=user)
            .select_related("course")
            .order_by("created_at", "pk")
        ]
    }


@exports("courses.ClassroomAttendance", "courses.ClassroomSession")
def classroom_section(*, user) -> dict:
    attended = (
        ClassroomAttendance.objects.filter(user=user)
        .select_related("session__course", "session__organisation")
        .order_by("session__held_on", "pk")
    )
    given = (
        ClassroomSession.objects.filter(trainer=user)
        .select_related("course", "organisation")
        .order_by("held_on", "pk")
    )
    return {
        "classroom_sessions_attended": [
            {
                "course": a.session.course.slug,
                "date": iso(a.session.held_on),
                "organisation": a.session.organisation.name,
                "location": a.session.location,
            }
            for a in attended
        ],
        "classroom_sessions_given": [
            {
                "course": s.course.slug,
                "date": iso(s.held_on),
                "organisation": s.organisation.name,
                "location": s.location,
            }
            for s in given
        ],
    }


@transaction.atomic
def account_erase(*, user, person: ErasedPerson) -> None:
    """Scrub the person's name and address from assignment messages (a trainer may have
    greeted them by name). The assignments stay: they are the organisation's. Reviewer access
    ends with the account."""
    CourseReviewer.objects.filter(user=user).delete()
    # Attendances stay (they count as completions) without the address that was typed in;
    # attendances by one of the person's addresses alone are tied to the anonymous account.
    ClassroomAttendance.objects.filter(user=user).update(email="")
    for attendance in person.mentioning(
        ClassroomAttendance.objects.filter(user__isnull=True), "email"
    ):
        if ClassroomAttendance.objects.filter(session=attendance.session_id, user=user).exists():
            attendance.delete()
        else:
            ClassroomAttendance.objects.filter(pk=attendance.pk).update(user=user, email="")
    for assignment in person.mentioning(Assignment.objects.all(), "message").only("message"):
        message = person.scrub(assignment.message)
        if message != assignment.message:
            assignment.message = message
            assignment.save(update_fields=["message"])
