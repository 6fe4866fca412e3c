"""``django.contrib.admin`` with the platform's own site (``academy.admin_site``)."""

from django.contrib.admin.apps import AdminConfig


class AcademyAdminConfig(AdminConfig):
    default_site = "academy.admin_site.AcademyAdminSite"
