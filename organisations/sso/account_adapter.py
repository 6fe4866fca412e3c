"""The account adapter with single sign-on's login stages (``accounts.adapter`` below knows
nothing of organisations)."""

from accounts.adapter import AccountAdapter

MFA_STAGE = "allauth.mfa.stages.AuthenticateStage"


class SsoAccountAdapter(AccountAdapter):
    def get_login_stages(self) -> list[str]:
        return [
            "organisations.sso.stages.AuthenticateStage" if stage == MFA_STAGE else stage
            for stage in super().get_login_stages()
        ]
