"""factory-boy factories shared by all test modules."""

import factory
from allauth.account.models import EmailAddress
from django.utils.text import slugify

from accounts.models import User
from courses.models import Course, Enrolment, Lesson, Module
from organisations.models import Group, GroupMember, Membership, Organisation
from organisations.services import organisation_create

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    name = factory.Sequence(lambda n: f"Person {n}")
    preferred_language = "nl"

    @factory.post_generation
    def password(obj, create, extracted, **kwargs):
        obj.set_password(extracted or PASSWORD)
        if create:
            obj.save(update_fields=["password"])

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        """A verified primary e-mail address, as allauth requires for login (default on)."""
        if create and extracted is not False:
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.LazyAttributeSequence(lambda o, n: f"{slugify(o.name)}-{n}")
    kind = "other"
    parent = None

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return organisation_create(
            name=kwargs["name"],
            slug=kwargs["slug"],
            kind=kwargs["kind"],
            parent=kwargs.get("parent"),
            themes=kwargs.get("themes"),
        )


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = "learner"


class GroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Group

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Group {n}")


class GroupMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GroupMember

    group = factory.SubFactory(GroupFactory)
    user = factory.SubFactory(UserFactory)


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Course

    slug = factory.Sequence(lambda n: f"course-{n}")
    title_nl = factory.Sequence(lambda n: f"Cursus {n}")
    title_en = factory.Sequence(lambda n: f"Course {n}")
    summary_nl = "Een korte cursus."
    summary_en = "A short course."
    theme = 5
    audiences = ["police"]
    minutes = 30
    languages = ["nl", "en"]
    status = Course.Status.PUBLISHED


class ModuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Module

    course = factory.SubFactory(CourseFactory)
    slug = factory.Sequence(lambda n: f"module-{n}")
    title_nl = factory.Sequence(lambda n: f"Module {n}")
    title_en = factory.Sequence(lambda n: f"Module {n}")
    position = factory.Sequence(lambda n: n)


class LessonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lesson

    module = factory.SubFactory(ModuleFactory)
    course = factory.SelfAttribute("module.course")
    slug = factory.Sequence(lambda n: f"lesson-{n}")
    title_nl = factory.Sequence(lambda n: f"Les {n}")
    title_en = factory.Sequence(lambda n: f"Lesson {n}")
    body_nl = "<p>Inhoud van de les.</p>"
    body_en = "<p>Lesson content.</p>"
    minutes = 5
    position = factory.Sequence(lambda n: n)


class EnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrolment

    user = factory.SubFactory(UserFactory)
    course = factory.SubFactory(CourseFactory)
