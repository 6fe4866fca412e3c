"""The platform's user: e-mail is the login; profile fields live on the user row."""

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

big_number_validator = RegexValidator(
    r"^\d{11}$", _("A BIG registration number has exactly 11 digits.")
)
vvn_number_validator = RegexValidator(
    r"^\d{6,9}$",
    _("A Kwaliteitsregister V&VN number has 6 to 9 digits."),
)
other_register_number_validator = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9\-./]{2,39}$",
    _("Use 3 to 40 letters, digits, dots, slashes or hyphens."),
)


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
    other_register_name = models.CharField(_("other register"), max_length=100, blank=True)
    other_register_number = models.CharField(
        _("number in the other register"),
        max_length=40,
        blank=True,
        validators=[other_register_number_validator],
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

    def __str__(self) -> str:
        return self.name or self.email

    def get_full_name(self) -> str:
        return self.name or self.email

    def get_short_name(self) -> str:
        return self.name.split(" ")[0] if self.name else self.email
