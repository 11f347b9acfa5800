"""The mails of following: the confirmation of a request and the digests, each as plain text
and HTML in the subscriber's language, with the links that manage and end the subscription."""

import logging

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

CONFIRM_SALT = "subscriptions.confirm"
MANAGE_SALT = "subscriptions.manage"
UNSUBSCRIBE_SALT = "subscriptions.unsubscribe"


def absolute(path):
    return f"{settings.SITE_URL}{path}"


def signed_path(url_name, salt, value):
    return reverse(url_name, args=[signing.dumps(value, salt=salt)])


def manage_path(subscriber):
    """The page where an address manages what it follows; the link itself is the key."""
    return signed_path("subscriptions:manage", MANAGE_SALT, str(subscriber.key))


def unsubscribe_path(subscriber):
    return signed_path("subscriptions:unsubscribe", UNSUBSCRIBE_SALT, str(subscriber.key))


def manage_link(subscriber):
    return absolute(manage_path(subscriber))


def unsubscribe_link(subscriber):
    return absolute(unsubscribe_path(subscriber))


def confirm_link(follow):
    value = {"s": str(follow.subscriber.key), "f": follow.pk}
    return absolute(signed_path("subscriptions:confirm", CONFIRM_SALT, value))


def message(subscriber, subject, template, context, message_id=None):
    """A mail to `subscriber` in its language: `template`.txt and .html rendered with
    `context`, a List-Unsubscribe header for one-click unsubscribe (RFC 8058), and the
    links to manage and end the subscription."""
    with translation.override(subscriber.language):
        unsubscribe = unsubscribe_link(subscriber)
        context = {
            **context,
            "subscriber": subscriber,
            "manage_url": manage_link(subscriber),
            "unsubscribe_url": unsubscribe,
            "site_url": settings.SITE_URL,
        }
        text = render_to_string(f"subscriptions/{template}.txt", context)
        html = render_to_string(f"subscriptions/{template}.html", context)
        headers = {
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        }
        if message_id:
            headers["Message-ID"] = message_id
        mail = EmailMultiAlternatives(
            subject=str(subject), body=text, to=[subscriber.address], headers=headers
        )
        mail.attach_alternative(html, "text/html")
        return mail


def confirmation(follow):
    """The mail that asks to confirm a request to follow."""
    subscriber = follow.subscriber
    with translation.override(subscriber.language):
        subject = _("Bevestig dat u wilt volgen: %(what)s") % {"what": follow.label()}
        context = {"follow": follow, "confirm_url": confirm_link(follow)}
        return message(subscriber, subject, "confirmation_mail", context)


def send(mails, connection=None):
    """Send `mails` over one connection; the number sent."""
    connection = connection or get_connection()
    return connection.send_messages(mails)


class LoggingBackend(BaseEmailBackend):
    """Mail without EMAIL_HOST: each mail is written to the log, not sent. The log says its
    subject and how many it was for, never to whom (addresses are personal data); with DEBUG
    also its text, so that a developer can follow its links."""

    def send_messages(self, email_messages):
        for mail in email_messages:
            logger.info(
                "Mail not sent (no EMAIL_HOST): %r to %d recipient(s)",
                mail.subject,
                len(mail.recipients()),
            )
            if settings.DEBUG:
                logger.info("%s", mail.body)
        return len(email_messages)
