"""allauth's two-factor login stage, skipped only for a session that a provider trusted for it
reported as two-factor (``adapter.second_factor_reported``)."""

from allauth.mfa import stages

from organisations.sso.adapter import SESSION_MFA


class AuthenticateStage(stages.AuthenticateStage):
    def _should_handle(self, request) -> bool:
        if request.session.get(SESSION_MFA):
            return False
        return super()._should_handle(request)
