from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def download_url(context, table, file_format):
    """`<path>?<the page's filters>&tabel=<name>&format=<csv|xlsx>`: the table as shown."""
    request = context["request"]
    query = request.GET.copy()
    query["tabel"] = table.name
    query["format"] = file_format
    return f"{request.path}?{query.urlencode()}"
