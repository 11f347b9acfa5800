"""API permissions (their own module: DRF's views import them from the settings)."""

from rest_framework.permissions import (
    SAFE_METHODS,
    BasePermission,
    DjangoModelPermissionsOrAnonReadOnly,
)


class ModelPermissionsOrAnonReadOnly(DjangoModelPermissionsOrAnonReadOnly):
    """Anyone reads; writing needs the model's add, change or delete permission.

    DRF's class asks the view for its queryset to learn the model even for a read, which needs
    no permission at all: for the commitments that built the register's whole query a second
    time on every request.
    """

    def has_permission(self, request, view):
        if request.method in SAFE_METHODS:
            return True
        return super().has_permission(request, view)


class PublishedRecordsNeedPublishRight(BasePermission):
    """Changing or deleting a published record needs the right to publish, as in the admin:
    an editor's key writes concept records only."""

    message = "Alleen wie mag publiceren, wijzigt of verwijdert gepubliceerde gegevens."

    def has_object_permission(self, request, view, obj):
        if request.method in SAFE_METHODS or not getattr(obj, "is_published", False):
            return True
        return obj.may_publish(request.user)
