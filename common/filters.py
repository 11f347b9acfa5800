"""The API's filter backend (its own module: DRF's views import it from the settings)."""

import functools

from django_filters import utils
from django_filters.rest_framework import DjangoFilterBackend


class FilterBackend(DjangoFilterBackend):
    """django-filter's backend, building the filter form from the filters a request names.

    A filter the query does not name leaves the list as it is, so the answer is the one the
    whole form gives; but django-filter copies every filter of the set and builds a form field
    for each on every request, which for the register's many filters was a good part of a
    filtered page. A request that names none, a plain page or a record by its key (most
    reads), builds no form at all.
    """

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None:
            return queryset
        named = request.query_params.keys() & filterset_class.base_filters.keys()
        if not named:
            return queryset
        filterset = only_filters(filterset_class, frozenset(named))(
            **self.get_filterset_kwargs(request, queryset, view)
        )
        if not filterset.is_valid() and self.raise_exception:
            raise utils.translate_validation(filterset.errors)
        return filterset.qs


@functools.lru_cache(maxsize=512)
def only_filters(filterset_class, names):
    """A subclass of `filterset_class` with only the filters `names` (made once per set)."""
    subclass = type(filterset_class.__name__, (filterset_class,), {})
    subclass.base_filters = {
        name: found for name, found in filterset_class.base_filters.items() if name in names
    }
    return subclass
