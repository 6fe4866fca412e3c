"""The admin site: staff, and accreditation administrators and coordinators without staff
status.

Django's admin lets in ``is_staff`` users only. Staff status means much more on this platform
(``organisations.permissions`` lets staff see every organisation, member names and audit log),
so accreditation administrators do not get it: this site also lets in the holders of that
platform role, and what they may see and change in it is exactly their group's model
permissions (accreditations, course reviewers, certificates: view and revoke). Coordinators
manage the partners' targets there (``reporting.admin``), and nothing else. The MFA gate covers
``/admin/`` for both as for staff.
"""

from django.contrib import admin

from organisations.permissions import roles_of


class AcademyAdminSite(admin.AdminSite):
    site_header = "Academy"
    site_title = "Academy"

    def has_permission(self, request) -> bool:
        user = request.user
        if not (user.is_active and user.is_authenticated):
            return False
        roles = roles_of(user)
        return user.is_staff or roles.accreditation_admin or roles.coordinator
