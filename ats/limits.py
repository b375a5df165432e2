"""How large a request body may be: past its route's limit it is answered 413 before anything reads it.

Two guards. `RequestSizeLimitMiddleware` compares Content-Length with the route's limit before
CsrfViewMiddleware parses the body, so a 300 MB upload is refused unread. `BoundedUploadHandler` counts
the file bytes that really arrive: under ASGI Django parses the whole body it was handed whatever
Content-Length says, so an understated length would slip past the first guard. (A body with no
Content-Length at all, as in chunked transfer, is never parsed by Django: it reads as empty.)

Limits live in settings: REQUEST_MAX_BYTES by default, REQUEST_MAX_BYTES_BY_ROUTE by URL name,
REQUEST_MAX_BYTES_BY_PREFIX by path.
"""

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve


def body_limit(path):
    """The most bytes a request body to `path` may hold."""
    try:
        name = resolve(path).view_name
    except Resolver404:
        name = None
    if name in settings.REQUEST_MAX_BYTES_BY_ROUTE:
        return settings.REQUEST_MAX_BYTES_BY_ROUTE[name]
    for prefix, limit in settings.REQUEST_MAX_BYTES_BY_PREFIX.items():
        if path.startswith(prefix):
            return limit
    return settings.REQUEST_MAX_BYTES


def too_large(limit, path):
    if path.startswith("/api/"):  # the API answers JSON (its schema documents this 413)
        return JsonResponse({"detail": f"The request body is larger than the {limit} bytes allowed."}, status=413)
    # Rendered without the request: sessions and users are not loaded this early, and need not be.
    return HttpResponse(render_to_string("413.html", {"limit": limit}), status=413)


class RequestSizeLimitMiddleware:
    """Placed before CsrfViewMiddleware, the first one to read a body."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = request.body_limit = body_limit(request.path_info)
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > limit:
            return too_large(limit, request.path_info)
        if request.method == "POST" and request.content_type == "multipart/form-data":
            # Parsed here rather than in CsrfViewMiddleware, so that the upload handler stopping
            # an upload answers 413 instead of handing a view half a form.
            request.POST  # noqa: B018
            if getattr(request, "body_too_large", False):
                return too_large(limit, request.path_info)
        return self.get_response(request)


class BoundedUploadHandler(FileUploadHandler):
    """First of FILE_UPLOAD_HANDLERS: stops the upload once the request's files pass its route's limit.

    StopUpload makes Django close (and so delete) the temporary file being written; files completed
    earlier are closed with the request.
    """

    def __init__(self, request=None):
        super().__init__(request)
        self.limit = getattr(request, "body_limit", None) or body_limit(request.path_info)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            self.request.body_too_large = True
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size):
        return None  # the next handler keeps the file
