"""The audit log: every login, failed login and write, as one structured (JSON) line each.

A `write` line says what was written (`model`, `pk`, `change`, `changed_fields`), by whom
(`user`: the history's user of a tracked record, the request's user otherwise) and from where
(`address`, the client's). Outside a request, as in a management command, `address` is None
and so is `user` unless the code named one. Fields are logged by name, never by value, except
the few that say who a user or group is and what it may do (`values`): a password change reads
`"changed_fields": ["password"]`. Group memberships and permissions are writes of the user or
group, with what was `added` or `removed`. Logging in is the `login` line, not an update of
the user."""

import contextvars
import json
import logging

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver
from simple_history.models import HistoricalChanges
from simple_history.signals import post_create_historical_record

from .addresses import client_ip

logger = logging.getLogger("limburg_maak.audit")
User = get_user_model()

# The request being served, if any: set by AuditRequestMiddleware for the receivers below.
current_request = contextvars.ContextVar("audit_request", default=None)

# Written by Django or libraries themselves, never by a person's decision.
UNLOGGED_APPS = {"sessions", "admin", "contenttypes", "axes", "migrations"}
# The fields of untracked models whose value is logged: all when a record is created or deleted,
# the changed ones when it is updated. Other fields are logged by name only.
LOGGED_VALUES = {
    User: ["username", "is_active", "is_staff", "is_superuser"],
    Group: ["name"],
}
# The many-to-many fields that say who may do what, by their `through` model.
RIGHTS = {
    field.remote_field.through: field
    for field in [
        User._meta.get_field("groups"),
        User._meta.get_field("user_permissions"),
        Group._meta.get_field("permissions"),
    ]
}
CHANGE = {"+": "create", "~": "update", "-": "delete"}


class AuditRequestMiddleware:
    """Keeps the request being served where the audit log's receivers find it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            current_request.reset(token)


def log(event, **fields):
    logger.info(json.dumps({"event": event, **fields}, default=str, ensure_ascii=False))


def client_address(request):
    """The client's address as the proxy saw it: the same rule django-axes locks out by."""
    return client_ip(request) if request is not None else None


def write(instance, change, user, **fields):
    """The line of one write; `user` is who wrote it (None: no one logged in, or no request)."""
    log(
        "write",
        model=instance._meta.label,
        pk=instance.pk,
        change=change,
        user=user,
        address=client_address(current_request.get()),
        **fields,
    )


def request_user():
    """The user name of the request being served, or None (anonymous, or no request)."""
    user = getattr(current_request.get(), "user", None)
    return user.get_username() if user is not None and user.is_authenticated else None


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
    write(
        instance,
        CHANGE[history_instance.history_type],
        getattr(history_instance.history_user, "username", None),
        reason=history_instance.history_change_reason,
        changed_fields=changed_fields(history_instance),
    )


def changed_fields(history_instance):
    previous = history_instance.prev_record
    if previous is None or not isinstance(history_instance, HistoricalChanges):
        return []
    return history_instance.diff_against(previous).changed_fields


def untracked(model):
    """Whether writes to `model` are logged here rather than through its history."""
    return not (
        model._meta.app_label in UNLOGGED_APPS
        or hasattr(model._meta, "simple_history_manager_attribute")
        or model.__name__.startswith("Historical")
    )


def is_login(sender, update_fields):
    """`update_last_login` saving the time of a login, which the `login` line covers."""
    return sender is User and update_fields == {"last_login"}


@receiver(pre_save)
def remember_stored(sender, instance, raw=False, update_fields=None, **kwargs):
    """The stored row of an untracked record about to change, to log which fields changed.

    Users, groups and the like: few and rarely written, so one query is cheap.
    """
    if raw or instance.pk is None or not untracked(sender) or is_login(sender, update_fields):
        return
    instance._audit_stored = sender._base_manager.filter(pk=instance.pk).first()


@receiver(post_save)
@receiver(post_delete)
def untracked_write(sender, instance, created=None, update_fields=None, **kwargs):
    """Writes to models without history (users, groups; sessions and the like excepted)."""
    if not untracked(sender) or is_login(sender, update_fields):
        return
    stored = instance.__dict__.pop("_audit_stored", None)
    shown = LOGGED_VALUES.get(sender, [])
    if created is None:
        write(instance, "delete", request_user(), **values(instance, shown))
    elif created or stored is None:
        write(instance, "create", request_user(), **values(instance, shown))
    else:
        names = [
            field.name
            for field in sender._meta.concrete_fields
            if (update_fields is None or {field.name, field.attname} & update_fields)
            and field.value_from_object(stored) != field.value_from_object(instance)
        ]
        shown = [name for name in shown if name in names]
        write(instance, "update", request_user(), changed_fields=names, **values(instance, shown))


def values(instance, names):
    """The `values` of a line: the fields that say who the record is and what it may do."""
    return {"values": {name: getattr(instance, name) for name in names}} if names else {}


@receiver(m2m_changed)
def rights_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    """A user's groups or permissions, or a group's permissions, added or removed.

    Logged from the side that holds the field: adding a user to a group, from either side,
    is a write of that user's `groups`.
    """
    field = RIGHTS.get(sender)
    if field is None:
        return
    if action == "pre_clear":
        # `clear()` does not say what it removes: look before it does.
        column = field.m2m_reverse_field_name() if reverse else field.m2m_field_name()
        other = field.m2m_field_name() if reverse else field.m2m_reverse_field_name()
        instance._audit_cleared = set(
            sender.objects.filter(**{column: instance.pk}).values_list(other, flat=True)
        )
        return
    if action == "post_clear":
        pk_set = instance.__dict__.pop("_audit_cleared", set())
    elif action not in {"post_add", "post_remove"}:
        return
    if not pk_set:
        return
    key = "added" if action == "post_add" else "removed"
    related = model._base_manager.filter(pk__in=pk_set)
    if model is Permission:
        related = related.select_related("content_type")
    if reverse:
        for owner in related:
            write(
                owner,
                "update",
                request_user(),
                changed_fields=[field.name],
                **{key: [name(instance)]},
            )
    else:
        names = sorted(name(item) for item in related)
        write(instance, "update", request_user(), changed_fields=[field.name], **{key: names})


def name(record):
    """How a log line names a group, user or permission (`programs.change_program`)."""
    if isinstance(record, Permission):
        return f"{record.content_type.app_label}.{record.codename}"
    return str(record)
