from django import template

register = template.Library()


@register.filter
def visible_to(record, user):
    """`{% if record|visible_to:user %}`: the rule of `PublishableQuerySet.visible_to`."""
    return record is not None and record.is_visible_to(user)
