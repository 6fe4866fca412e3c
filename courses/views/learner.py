from django.shortcuts import render

from courses.models import Course


def catalogue(request):
    courses = Course.objects.filter(status=Course.Status.PUBLISHED)
    return render(request, "courses/catalogue.html", {"courses": courses})
