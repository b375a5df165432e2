from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from accounts.params import to_int
from accounts.permissions import organization_required

from . import services
from .forms import PreferencesForm
from .models import Category
from .selectors import grouped, notifications_of

PAGE_SIZE = 50
LATEST = 10


def _mine(request):
    return notifications_of(request.user, request.organization)


def _is_our_path(url, request):
    # A path of this site only: a bare word would be taken by redirect() for a URL name.
    return url.startswith("/") and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()})


@require_GET
@organization_required
def inbox(request):
    unread_only = request.GET.get("unread") == "1"
    category = request.GET.get("category", "")
    rows = _mine(request).select_related("actor")
    if unread_only:
        rows = rows.filter(read_at__isnull=True)
    if category in Category.values:
        rows = rows.filter(category=category)
    else:
        category = ""
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    ctx = {
        "page": page,
        "groups": grouped(page.object_list),
        "unread_only": unread_only,
        "category": category,
        "categories": [(value, Category(value).label) for value in services.categories_for(request.membership)],
        "filtered": unread_only or bool(category),
    }
    return render(request, "notifications/inbox.html", ctx)


@require_GET
@organization_required
def latest(request):
    """The bell's dropdown: the newest ten, folded (htmx; without it the bell's link is the inbox)."""
    ctx = {"groups": grouped(_mine(request).select_related("actor")[:LATEST])}
    return render(request, "notifications/latest.html", ctx)


@require_GET
@organization_required
def count(request):
    """The bell's badge, re-fetched when a live event or the poll says something changed."""
    return render(request, "notifications/bell_count.html")


@require_POST
@organization_required
def open_notification(request, pk):
    """Mark it read and go to what it is about (a path on this site)."""
    notification = get_object_or_404(_mine(request), pk=pk)
    services.mark_read(recipient=request.user, notifications=_mine(request).filter(pk=pk))
    if _is_our_path(notification.url, request):
        return redirect(notification.url)
    return redirect("notifications:inbox")


@require_POST
@organization_required
def mark_read(request):
    """Mark some (the posted ids, all of them the member's own) or all read, then back to where they were."""
    mine = _mine(request)
    if request.POST.get("all") == "1":
        chosen = mine
    else:
        ids = [to_int(value) for value in request.POST.getlist("id")]
        chosen = mine.filter(pk__in=[pk for pk in ids if pk is not None])
        if not chosen.exists():
            raise Http404("No such notification of yours.")
    changed = services.mark_read(recipient=request.user, notifications=chosen)
    if not request.htmx:
        messages.success(request, f"{changed} notification{'s' if changed != 1 else ''} marked read.")
    back = request.POST.get("next", "")
    if _is_our_path(back, request):
        return redirect(back)
    return redirect("notifications:inbox")


@organization_required
def preferences(request):
    schedule = services.schedule_of(request.user)
    categories = services.categories_for(request.membership)
    choices = services.choices_of(request.user)
    form = PreferencesForm(request.POST or None, categories=categories, choices=choices, schedule=schedule)
    if request.method == "POST" and form.is_valid():
        services.save_preferences(user=request.user, choices=form.choices(), send_at=form.cleaned_data["send_at"])
        messages.success(request, "Notification preferences saved.")
        return redirect("notifications:preferences")
    status = 400 if form.errors else 200
    ctx = {"form": form, "zone": timezone.get_current_timezone_name()}
    return render(request, "notifications/preferences.html", ctx, status=status)
