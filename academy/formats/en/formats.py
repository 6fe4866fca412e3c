"""Output formats of this language: see ``academy.formats``."""

from academy.formats import DATE, DATETIME, TIME

DATE_FORMAT = DATE
DATETIME_FORMAT = DATETIME
TIME_FORMAT = TIME
SHORT_DATE_FORMAT = DATE
SHORT_DATETIME_FORMAT = DATETIME
