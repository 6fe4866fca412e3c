"""Organisations form a tree (banks' association → banks, police → units).

``path`` is a materialised path ("/12/40/") kept by ``services.organisation_create`` /
``organisation_move`` so that "this organisation and everything below it" is one indexed
``path__startswith`` filter instead of a recursive query.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Theme(models.IntegerChoices):
    BUSINESS_SERVICES = 1, _("Business services")
    CARE = 2, _("Care")
    POLICE = 3, _("Police")
    MUNICIPALITIES = 4, _("Municipalities")
    COMMUNICATION = 5, _("Communication and media")


class Organisation(models.Model):
    class Kind(models.TextChoices):
        POLICE = "police", _("Police")
        MUNICIPALITY = "municipality", _("Municipality")
        HEALTHCARE = "healthcare", _("Healthcare")
        BANK = "bank", _("Bank")
        ALLIANCE = "alliance", _("Sex workers' alliance")
        GOVERNMENT = "government", _("Government")
        EDUCATION = "education", _("Education")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    themes = models.JSONField(_("themes"), default=list, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent organisation"),
        null=True,
        blank=True,
        related_name="children",
        on_delete=models.PROTECT,
    )
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    is_legal_entity = models.BooleanField(
        _("own legal entity"),
        default=False,
        help_text=_(
            "An organisation in its own right under its parent (a bank under the banks' "
            "association): its figures reach the parent only when its admin shares them."
        ),
    )
    shares_figures_with_parent = models.BooleanField(
        _("shares figures with the parent organisation"),
        default=False,
        help_text=_("Only for an own legal entity; set by its administrators."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.UniqueConstraint(
                fields=["path"], condition=~Q(path=""), name="organisation_unique_path"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def depth(self) -> int:
        return max(self.path.count("/") - 2, 0)

    @property
    def lineage_ids(self) -> list[int]:
        """Ids from the root down to this organisation itself, read from ``path``."""
        return [int(part) for part in self.path.strip("/").split("/") if part]

    @property
    def ancestor_ids(self) -> list[int]:
        return self.lineage_ids[:-1]


class Role(models.TextChoices):
    """Ordered from least to most: a person never grants a role above their own."""

    LEARNER = "learner", _("Learner")
    TRAINER = "trainer", _("Trainer")
    ANALYST = "analyst", _("Analyst")
    ADMIN = "admin", _("Administrator")


ROLE_RANK = {Role.LEARNER: 0, Role.TRAINER: 1, Role.ANALYST: 2, Role.ADMIN: 3}


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="memberships", on_delete=models.CASCADE
    )
    organisation = models.ForeignKey(
        Organisation, related_name="memberships", on_delete=models.CASCADE
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.LEARNER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"], name="membership_unique_user_organisation"
            ),
            models.CheckConstraint(
                condition=Q(role__in=["learner", "trainer", "analyst", "admin"]),
                name="membership_role_valid",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "role"])]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation} ({self.role})"


class Group(models.Model):
    """A cohort of learners inside one organisation."""

    organisation = models.ForeignKey(Organisation, related_name="groups", on_delete=models.CASCADE)
    name = models.CharField(_("name"), max_length=150)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="GroupMember", related_name="learning_groups"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("group")
        verbose_name_plural = _("groups")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="group_unique_name_per_organisation"
            )
        ]

    def __str__(self) -> str:
        return self.name


class GroupMember(models.Model):
    group = models.ForeignKey(Group, related_name="group_members", on_delete=models.CASCADE)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="group_memberships", on_delete=models.CASCADE
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("group member")
        verbose_name_plural = _("group members")
        constraints = [models.UniqueConstraint(fields=["group", "user"], name="groupmember_unique")]


class InvitationBatch(models.Model):
    """One uploaded CSV of invitations; processed by a Celery task, row outcomes in ``results``.

    Rows are processed with the rights of ``run_by``: the uploader, and after a restart the
    person who restarted it (see ``organisations.services.bulk``)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    organisation = models.ForeignKey(
        Organisation, related_name="invitation_batches", on_delete=models.CASCADE
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    run_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_(
            "Whose rights the rows are processed with: the uploader, or whoever continued a "
            "stuck upload."
        ),
    )
    filename = models.CharField(max_length=255, blank=True)
    csv_text = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    results = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(
        null=True, blank=True, help_text=_("Last sign of life while running.")
    )
    finished_at = models.DateTimeField(null=True, blank=True)

    # A running batch without a sign of life for this long was abandoned (worker lost).
    STALLED_AFTER = timedelta(minutes=15)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation upload")
        verbose_name_plural = _("invitation uploads")

    def __str__(self) -> str:
        return f"{self.filename or self.pk} → {self.organisation_id}"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def is_stalled(self) -> bool:
        last = self.updated_at or self.started_at or self.created_at
        return self.status == self.Status.RUNNING and last < timezone.now() - self.STALLED_AFTER

    @property
    def percent(self) -> int:
        if not self.total_rows:
            return 100 if self.is_finished else 0
        return min(100, round(100 * self.processed_rows / self.total_rows))


class Invitation(models.Model):
    """An invitation to join an organisation in a role (and optionally a group).

    "Expired" is mostly derived: a pending invitation past ``expires_at``. When a new invitation
    replaces an expired one, the old row gets status ``expired`` so that the one-pending-per-address
    constraint holds.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        REVOKED = "revoked", _("Revoked")
        EXPIRED = "expired", _("Expired")

    email = models.EmailField(_("e-mail address"))
    name = models.CharField(_("name"), max_length=150, blank=True)
    organisation = models.ForeignKey(
        Organisation, related_name="invitations", on_delete=models.CASCADE
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.LEARNER)
    group = models.ForeignKey(
        Group, null=True, blank=True, related_name="invitations", on_delete=models.SET_NULL
    )
    token = models.CharField(max_length=64, unique=True)
    language = models.CharField(
        _("language of the e-mail"),
        max_length=2,
        choices=[("nl", "Nederlands"), ("en", "English")],
        default="nl",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    batch = models.ForeignKey(
        InvitationBatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_sent_at = models.DateTimeField(null=True, blank=True)
    send_count = models.PositiveSmallIntegerField(default=0)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "email"],
                condition=Q(status="pending"),
                name="invitation_one_pending_per_email",
            ),
            models.CheckConstraint(
                condition=Q(role__in=["learner", "trainer", "analyst", "admin"]),
                name="invitation_role_valid",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "status", "expires_at"])]

    def __str__(self) -> str:
        return f"{self.email} → {self.organisation}"

    @property
    def is_expired(self) -> bool:
        return self.status == self.Status.EXPIRED or (
            self.status == self.Status.PENDING and self.expires_at <= timezone.now()
        )

    @property
    def is_open(self) -> bool:
        """Pending and not expired: it can still be accepted."""
        return self.status == self.Status.PENDING and self.expires_at > timezone.now()

    @property
    def display_status(self) -> str:
        return str(self.Status.EXPIRED.label) if self.is_expired else self.get_status_display()


class IdentityProvider(models.Model):
    """An organisation's own OpenID Connect provider: its staff log in with the account they
    already have (single sign-on). Set up by platform staff in the admin, audited.

    ``slug`` is the provider id in the login URLs (``/accounts/oidc/<slug>/login/``). The client
    secret is stored encrypted (``organisations.sso.secrets``) and never shown again; a secret
    in the environment (``SSO_SECRET_<SLUG>``) takes precedence. Its ``domains``
    (``IdentityProviderDomain``) are the e-mail domains it vouches for: it can log in only
    addresses of those domains, and a domain belongs to one provider at most.
    """

    organisation = models.ForeignKey(
        Organisation, related_name="identity_providers", on_delete=models.CASCADE
    )
    slug = models.SlugField(_("provider id"), max_length=50, unique=True)
    name = models.CharField(_("name shown on the login page"), max_length=100)
    issuer = models.URLField(_("issuer URL"), max_length=300)
    client_id = models.CharField(_("client id"), max_length=200)
    client_secret_encrypted = models.TextField(editable=False, blank=True)
    sso_only = models.BooleanField(
        _("single sign-on only"),
        default=False,
        help_text=_("Addresses of these domains get no password login and no password reset."),
    )
    trusted_for_mfa = models.BooleanField(
        _("trusted for two-factor authentication"),
        default=False,
        help_text=_(
            "When the provider reports a second factor (amr contains mfa), staff roles skip "
            "the platform's authenticator code."
        ),
    )
    group_mapping = models.JSONField(
        _("groups claim mapping"),
        default=dict,
        blank=True,
        help_text=_(
            'Value of the "groups" claim → {"group": "<group name>", "role": "learner" or '
            '"trainer"}. Analyst and admin roles are never granted by a claim.'
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("identity provider")
        verbose_name_plural = _("identity providers")

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation})"


class IdentityProviderDomain(models.Model):
    provider = models.ForeignKey(IdentityProvider, related_name="domains", on_delete=models.CASCADE)
    domain = models.CharField(
        _("e-mail domain"),
        max_length=253,
        unique=True,
        help_text=_("For example politie.nl (lower case, without @)."),
    )

    class Meta:
        verbose_name = _("e-mail domain")
        verbose_name_plural = _("e-mail domains")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    domain__regex=r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$"
                ),
                name="identityproviderdomain_lower_case_domain",
            )
        ]

    def __str__(self) -> str:
        return self.domain
