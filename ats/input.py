"""Request input that no view should have to defend against, refused in one place.

PostgreSQL refuses a NUL character in any text (`ValueError: A string literal cannot contain NUL`),
so a NUL in a query parameter or a form value that reaches a filter or a row is a 500 there, while
SQLite stores it happily. No person types one: a request carrying one, in its path or in any
GET or POST key or value, is answered 400 before a view sees it. Lone surrogates (which only a
broken client sends, and which no database or encoder accepts) are refused the same way.

Uploaded files are not read: only request.GET and, for form posts, request.POST (the fields, not
request.FILES). Reading POST here is what CsrfViewMiddleware already does before us.
"""

from django.http import HttpResponseBadRequest, JsonResponse

from accounts.params import is_refused_text

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
MESSAGE = (
    "Your request contained a null character (or another character that is not text), "
    "which we can't accept. Remove it and try again."
)


def _any_refused(querydict):
    return any(
        is_refused_text(key) or any(is_refused_text(value) for value in values) for key, values in querydict.lists()
    )


def has_refused_characters(request):
    """True if the path or a GET or POST key or value holds a NUL or a lone surrogate."""
    if is_refused_text(request.path) or _any_refused(request.GET):
        return True
    if request.method == "POST" and request.content_type in FORM_TYPES:
        return _any_refused(request.POST)
    return False


class RefuseNullCharactersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if has_refused_characters(request):
            if request.path_info.startswith("/api/"):
                return JsonResponse({"detail": MESSAGE}, status=400)  # the API answers JSON, even here
            return HttpResponseBadRequest(MESSAGE, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
