from django.conf import settings
from django.core.checks import Info, register


@register()
def mail_is_sent(app_configs, **kwargs):
    """Say at start when mails are written to the log instead of sent."""
    if settings.EMAIL_HOST or settings.EMAIL_BACKEND != "subscriptions.mail.LoggingBackend":
        return []
    return [
        Info(
            "EMAIL_HOST is not set: confirmation mails and digests are written to the log, "
            "not sent.",
            hint="Set EMAIL_HOST (and EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, "
            "EMAIL_USE_TLS, DEFAULT_FROM_EMAIL) to send them.",
            id="subscriptions.I001",
        )
    ]
