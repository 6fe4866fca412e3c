"""The audit log: one function writes every security-relevant event."""

from accounts.models import AuditEvent


def client_ip(request) -> str | None:
    """The client's address as allauth sees it (so it honours ALLAUTH_TRUSTED_PROXY_COUNT and
    ALLAUTH_TRUSTED_CLIENT_IP_HEADER behind a load balancer, like allauth's rate limits)."""
    if request is None:
        return None
    from allauth.account.adapter import get_adapter

    try:
        return get_adapter(request).get_client_ip(request) or None
    except Exception:  # noqa: BLE001 - no usable address: record the event without one
        return request.META.get("REMOTE_ADDR") or None


def audit_record(
    *,
    action: str,
    request=None,
    actor=None,
    subject_user=None,
    organisation=None,
    summary: str = "",
    data: dict | None = None,
) -> AuditEvent:
    if actor is None and request is not None and getattr(request, "user", None) is not None:
        if request.user.is_authenticated:
            actor = request.user
    return AuditEvent.objects.create(
        action=action,
        actor=actor,
        subject_user=subject_user,
        organisation=organisation,
        summary=summary[:255],
        ip_address=client_ip(request),
        user_agent=(request.META.get("HTTP_USER_AGENT", "")[:255] if request is not None else ""),
        data=data or {},
    )
