from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def download_url(context, table, file_format):
    """`?<the page's filters>&tabel=<name>&format=<csv|xlsx>`: the table as shown, downloaded."""
    query = context["request"].GET.copy()
    query["tabel"] = table.name
    query["format"] = file_format
    return f"?{query.urlencode()}"
