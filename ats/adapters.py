"""allauth's account adapter, here because its emails go through the outbox (mail sits above accounts)."""

from accounts.adapters import AccountAdapter as BaseAccountAdapter


class AccountAdapter(BaseAccountAdapter):
    pass
