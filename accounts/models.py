"""The platform's user: e-mail is the login; profile fields live on the user row."""

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# [0-9], not \d: \d also matches other scripts' digits ("١٢٣", full-width). The database checks
# the same patterns (User.Meta.constraints).
DIGITS_PATTERNS = {
    "big_number": r"^[0-9]{11}$",
    "vvn_number": r"^[0-9]{6,9}$",
    "skj_number": r"^[0-9]{6,9}$",
    "registerplein_number": r"^[0-9]{5,9}$",
}
OTHER_REGISTER_NUMBER_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9./-]{2,39}$"

big_number_validator = RegexValidator(
    DIGITS_PATTERNS["big_number"], _("A BIG registration number has exactly 11 digits.")
)
vvn_number_validator = RegexValidator(
    DIGITS_PATTERNS["vvn_number"],
    _("A Kwaliteitsregister V&VN number has 6 to 9 digits."),
)
skj_number_validator = RegexValidator(
    DIGITS_PATTERNS["skj_number"], _("An SKJ registration number has 6 to 9 digits.")
)
registerplein_number_validator = RegexValidator(
    DIGITS_PATTERNS["registerplein_number"], _("A Registerplein number has 5 to 9 digits.")
)
other_register_number_validator = RegexValidator(
    OTHER_REGISTER_NUMBER_PATTERN,
    _("Use 3 to 40 letters, digits, dots, slashes or hyphens."),
)


class Register(models.TextChoices):
    """The professional registers whose numbers a learner can keep in their profile (an
    accreditation names the one its points are registered in)."""

    BIG = "big", _("BIG register")
    VVN = "vvn", _("Kwaliteitsregister V&VN")
    SKJ = "skj", _("SKJ (youth care)")
    REGISTERPLEIN = "registerplein", _("Registerplein (social work)")
    OTHER = "other", _("Other register")


REGISTER_NUMBER_FIELDS = {
    Register.BIG: "big_number",
    Register.VVN: "vvn_number",
    Register.SKJ: "skj_number",
    Register.REGISTERPLEIN: "registerplein_number",
    Register.OTHER: "other_register_number",
}


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    class Language(models.TextChoices):
        NL = "nl", "Nederlands"
        EN = "en", "English"

    class Profession(models.TextChoices):
        POLICE = "police", _("Police")
        BOA = "boa", _("Boa / municipal inspector")
        HEALTHCARE = "healthcare", _("Healthcare")
        BANK = "bank", _("Bank or insurance")
        CIVIL_SERVANT = "civil_servant", _("Civil servant")
        COMMUNICATION = "communication", _("Communication")
        SEX_WORK = "sex_work", _("Sex work or sex workers' organisation")
        OTHER = "other", _("Other")

    email = models.EmailField(_("e-mail address"), unique=True)
    name = models.CharField(_("name"), max_length=150, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=2, choices=Language.choices, default=Language.NL
    )
    profession = models.CharField(
        _("profession"), max_length=20, choices=Profession.choices, blank=True
    )
    big_number = models.CharField(
        _("BIG registration number"),
        max_length=11,
        blank=True,
        validators=[big_number_validator],
    )
    vvn_number = models.CharField(
        _("Kwaliteitsregister V&VN number"),
        max_length=9,
        blank=True,
        validators=[vvn_number_validator],
    )
    skj_number = models.CharField(
        _("SKJ registration number"), max_length=9, blank=True, validators=[skj_number_validator]
    )
    registerplein_number = models.CharField(
        _("Registerplein number"),
        max_length=9,
        blank=True,
        validators=[registerplein_number_validator],
    )
    other_register_name = models.CharField(_("other register"), max_length=100, blank=True)
    other_register_number = models.CharField(
        _("number in the other register"),
        max_length=40,
        blank=True,
        validators=[other_register_number_validator],
    )
    date_of_birth = models.DateField(
        _("date of birth"),
        null=True,
        blank=True,
        help_text=_("Only asked when an accreditation register requires it."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("staff"), default=False)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)
    anonymised_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=models.Q((field, "")) | models.Q((f"{field}__regex", pattern)),
                name=f"user_{field}_format",
            )
            for field, pattern in (
                *DIGITS_PATTERNS.items(),
                ("other_register_number", OTHER_REGISTER_NUMBER_PATTERN),
            )
        ]

    def __str__(self) -> str:
        return self.name or self.email

    def get_full_name(self) -> str:
        return self.name or self.email

    def registration_number(self, register: str) -> str:
        """The person's number in ``register`` (a ``Register`` value), or ""."""
        field = REGISTER_NUMBER_FIELDS.get(register)
        return getattr(self, field) if field else ""

    def get_short_name(self) -> str:
        return self.name.split(" ")[0] if self.name else self.email


class AuditEvent(models.Model):
    """A security-relevant event: who did what, when, from where. Written by ``accounts.audit``."""

    class Action(models.TextChoices):
        SIGNED_UP = "signed_up", _("Account created")
        LOGIN = "login", _("Logged in")
        LOGIN_FAILED = "login_failed", _("Failed login")
        LOGOUT = "logout", _("Logged out")
        MFA_ACTIVATED = "mfa_activated", _("Two-factor authentication switched on")
        MFA_DEACTIVATED = "mfa_deactivated", _("Two-factor authentication switched off")
        MFA_RECOVERY_CODES = "mfa_recovery_codes", _("Recovery codes generated")
        PASSWORD_CHANGED = "password_changed", _("Password changed")
        PASSWORD_RESET = "password_reset", _("Password reset")
        EMAIL_CHANGED = "email_changed", _("E-mail address changed")
        REGISTRATION_CHANGED = "registration_changed", _("Registration numbers changed")
        ROLE_CHANGED = "role_changed", _("Role changed")
        MEMBER_REMOVED = "member_removed", _("Member removed")
        INVITATION_SENT = "invitation_sent", _("Invitation sent")
        INVITATION_REVOKED = "invitation_revoked", _("Invitation revoked")
        INVITATION_ACCEPTED = "invitation_accepted", _("Invitation accepted")
        EXPORT = "export", _("Data exported")
        DATA_DOWNLOADED = "data_downloaded", _("Personal data downloaded")
        ACCOUNT_DELETED = "account_deleted", _("Account deleted")
        SESSIONS_ENDED = "sessions_ended", _("Other sessions logged out")
        EXTRA_ATTEMPT = "extra_attempt", _("Extra quiz attempt granted")
        ACCREDITATION_CHANGED = "accreditation_changed", _("Accreditation changed")
        CERTIFICATE_REVOKED = "certificate_revoked", _("Certificate revoked")
        REVIEWER_CHANGED = "reviewer_changed", _("Course reviewer access changed")
        MEMBER_BLOCKED = "member_blocked", _("Member blocked")
        SSO_LOGIN_REFUSED = "sso_login_refused", _("Single sign-on login refused")
        SSO_PROVIDER_CHANGED = "sso_provider_changed", _("Identity provider changed")
        API_TOKEN_CREATED = "api_token_created", _("API token created")
        API_TOKEN_REVOKED = "api_token_revoked", _("API token revoked")
        FIGURES_SHARING_CHANGED = "figures_sharing_changed", _("Sharing of figures changed")

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    action = models.CharField(max_length=30, choices=Action.choices)
    actor = models.ForeignKey(
        User, null=True, blank=True, related_name="+", on_delete=models.SET_NULL
    )
    subject_user = models.ForeignKey(
        User, null=True, blank=True, related_name="+", on_delete=models.SET_NULL
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        related_name="audit_events",
        on_delete=models.SET_NULL,
    )
    summary = models.CharField(max_length=255, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=255, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [models.Index(fields=["organisation", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action}"

    @property
    def details(self) -> str:
        """The summary plus the recorded data as "key: value" pairs, for the audit log page."""
        parts = [self.summary] if self.summary else []
        for key, value in sorted((self.data or {}).items()):
            if isinstance(value, list | tuple):
                value = ", ".join(str(item) for item in value)
            parts.append(f"{key}: {value}")
        return "; ".join(parts)


class OutboxMessage(models.Model):
    """A task to send to the Celery broker, written in the same transaction as the change that
    needs it, so no task is lost while Redis is down (``accounts.outbox``)."""

    task = models.CharField(_("task"), max_length=200)
    args = models.JSONField(_("arguments"), default=list)
    kwargs = models.JSONField(_("keyword arguments"), default=dict)
    created_at = models.DateTimeField(_("written"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        indexes = [
            models.Index(
                fields=["id"],
                name="accounts_outbox_unsent",
                condition=models.Q(sent_at__isnull=True),
            ),
            models.Index(fields=["sent_at"], name="accounts_outbox_sent_at"),
        ]

    def __str__(self) -> str:
        return f"{self.task} #{self.pk}"
