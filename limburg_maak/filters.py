"""The API's filter backend (its own module: DRF's views import it from the settings)."""

from django_filters.rest_framework import DjangoFilterBackend


class FilterBackend(DjangoFilterBackend):
    """django-filter's backend, without building the filter form for a request that names
    none of the filters: a plain page or a record by its key (most reads) is answered as it
    would be with an empty form, for a tenth of the request's time less."""

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None or request.query_params.keys().isdisjoint(
            filterset_class.base_filters
        ):
            return queryset
        return super().filter_queryset(request, queryset, view)
