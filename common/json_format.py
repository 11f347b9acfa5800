"""Django's JSON serialization format, with timestamps to the microsecond.

Django's own encoder cuts times to the millisecond, so a backup (`manage.py backup`, which
uses `dumpdata`) would not give back the history's exact moments. Registered as `json` in
`SERIALIZATION_MODULES`; reading is Django's own.
"""

import datetime

from django.core.serializers.json import Deserializer, DjangoJSONEncoder
from django.core.serializers.json import Serializer as DjangoSerializer

__all__ = ["Deserializer", "Serializer"]


class PreciseJSONEncoder(DjangoJSONEncoder):
    def default(self, o):
        if isinstance(o, datetime.datetime):
            text = o.isoformat()
            return text.removesuffix("+00:00") + "Z" if text.endswith("+00:00") else text
        if isinstance(o, datetime.time):
            return o.isoformat()
        return super().default(o)


class Serializer(DjangoSerializer):
    def _init_options(self):
        self.options.setdefault("cls", PreciseJSONEncoder)
        super()._init_options()
