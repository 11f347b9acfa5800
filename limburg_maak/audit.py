"""The audit log: every login, failed login and write, as one structured (JSON) line each."""

import json
import logging

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from simple_history.models import HistoricalChanges
from simple_history.signals import post_create_historical_record

from .middleware import client_ip

logger = logging.getLogger("limburg_maak.audit")


def log(event, **fields):
    logger.info(json.dumps({"event": event, **fields}, default=str, ensure_ascii=False))


def client_address(request):
    """The client's address as the proxy saw it: the same rule django-axes locks out by."""
    return client_ip(request) if request is not None else None


@receiver(user_logged_in)
def logged_in(sender, request, user, **kwargs):
    log("login", user=user.get_username(), address=client_address(request))


@receiver(user_logged_out)
def logged_out(sender, request, user, **kwargs):
    log("logout", user=user.get_username() if user else None, address=client_address(request))


@receiver(user_login_failed)
def login_failed(sender, credentials, request=None, **kwargs):
    log("login_failed", user=credentials.get("username"), address=client_address(request))


@receiver(post_create_historical_record)
def recorded(sender, instance, history_instance, **kwargs):
    """Every tracked write leaves a history record; each one is also a log line."""
    log(
        "write",
        model=instance._meta.label,
        pk=instance.pk,
        change={"+": "create", "~": "update", "-": "delete"}[history_instance.history_type],
        user=getattr(history_instance.history_user, "username", None),
        reason=history_instance.history_change_reason,
        changed_fields=changed_fields(history_instance),
    )


def changed_fields(history_instance):
    previous = history_instance.prev_record
    if previous is None or not isinstance(history_instance, HistoricalChanges):
        return []
    return history_instance.diff_against(previous).changed_fields


@receiver(post_save)
@receiver(post_delete)
def untracked_write(sender, instance, **kwargs):
    """Writes to models without history (users, groups, sessions excepted) are logged here."""
    if sender._meta.app_label in {"sessions", "admin", "contenttypes", "axes", "migrations"}:
        return
    if hasattr(sender._meta, "simple_history_manager_attribute") or sender.__name__.startswith(
        "Historical"
    ):
        return
    log(
        "write",
        model=sender._meta.label,
        pk=instance.pk,
        change="delete"
        if "created" not in kwargs
        else ("create" if kwargs["created"] else "update"),
    )
