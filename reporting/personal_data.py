"""What the reporting app keeps about a person: the digest preference and the weeks it was
sent, the API tokens they created and the progress reports they asked for. Figures themselves
are aggregates and name nobody. Deleting the account deletes the digest rows (cascade); tokens
and reports stay with their organisation, no longer pointing to the person."""

from accounts.hooks import exports
from accounts.personal_data import iso
from reporting.models import ApiToken, DigestPreference, DigestSent, ProgressReport


@exports(
    "reporting.DigestPreference",
    "reporting.DigestSent",
    "reporting.ApiToken",
    "reporting.ProgressReport",
)
def reporting_section(*, user) -> dict:
    preference = DigestPreference.objects.filter(user=user).first()
    return {
        "weekly_digest": {
            "opted_out_at": iso(preference.opted_out_at) if preference else None,
            "weeks_sent": [
                iso(week)
                for week in DigestSent.objects.filter(user=user)
                .order_by("week")
                .values_list("week", flat=True)
            ],
        },
        "api_tokens_created": [
            {
                "organisation": token.organisation.slug,
                "name": token.name,
                "prefix": token.prefix,
                "created_at": iso(token.created_at),
                "revoked_at": iso(token.revoked_at),
            }
            for token in ApiToken.objects.filter(created_by=user).select_related("organisation")
        ],
        "progress_reports_requested": [
            {
                "period_start": iso(report.period_start),
                "period_end": iso(report.period_end),
                "created_at": iso(report.created_at),
            }
            for report in ProgressReport.objects.filter(requested_by=user)
        ],
    }


def reporting_erase(*, user, person) -> None:
    DigestPreference.objects.filter(user=user).delete()
    DigestSent.objects.filter(user=user).delete()
    ApiToken.objects.filter(created_by=user).update(created_by=None)
    ProgressReport.objects.filter(requested_by=user).update(requested_by=None)
