"""A real SMTP server inside the tests (aiosmtpd), and reading what it received. The fixture
`smtp` is registered in `conftest.py`."""

import email
import re
import socket
from email import policy

import pytest
from aiosmtpd.controller import Controller


class Mailbox:
    """What the SMTP server received: parsed messages, with their envelope recipients."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append((envelope.rcpt_tos, message))
        return "250 Message accepted for delivery"

    def to(self, address):
        return [message for rcpt, message in self.messages if address in rcpt]


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp(settings):
    """A real SMTP server on a free port, and the settings that send mail to it."""
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = False
    settings.SITE_URL = "http://testserver"
    yield box
    controller.stop()


def text_of(message):
    return message.get_body(preferencelist=("plain",)).get_content()


def html_of(message):
    return message.get_body(preferencelist=("html",)).get_content()


def link_in(message, part, site="http://testserver"):
    """The path of the first link in the mail's text to `site` whose path starts with `part`."""
    found = re.search(rf"{re.escape(site)}({re.escape(part)}\S+)", text_of(message))
    assert found, text_of(message)
    return found.group(1)
