from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def download_url(context, table, file_format):
    """`<path>?<the page's filters>&tabel=<name>&format=<csv|xlsx>`: every row of the table,
    whatever page of it is shown."""
    request = context["request"]
    query = request.GET.copy()
    query.pop(table.page_parameter, None)
    query["tabel"] = table.name
    query["format"] = file_format
    return f"{request.path}?{query.urlencode()}"


@register.simple_tag(takes_context=True)
def page_url(context, table, number):
    """`<path>?<the page's filters and other tables' pages>&pagina=<number>`; page 1 drops it."""
    request = context["request"]
    query = request.GET.copy()
    for name in ("tabel", "format"):
        query.pop(name, None)
    query.pop(table.page_parameter, None)
    if number > 1:
        query[table.page_parameter] = number
    return f"{request.path}?{query.urlencode()}" if query else request.path


@register.simple_tag(takes_context=True)
def full_list_url(context, table):
    """`<path>?<the page's filters>&tabel=<name>`: every row of the table on one page, to read
    or print whole."""
    request = context["request"]
    query = request.GET.copy()
    for name in ("format", table.page_parameter):
        query.pop(name, None)
    query["tabel"] = table.name
    return f"{request.path}?{query.urlencode()}"
