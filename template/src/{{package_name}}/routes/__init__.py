"""The service's HTTP routes. A `{name:id}` in their paths is a row id (`IdConvertor`)."""

from starlette.convertors import IntegerConvertor, register_url_convertor


class IdConvertor(IntegerConvertor):
    """At most 10 digits, MAX_INT's: a longer path is no id (404), and never one that Python's
    int() refuses (4,301 digits and more, a 500 with Starlette's `int`)."""

    regex = "[0-9]{1,10}"


register_url_convertor("id", IdConvertor())
