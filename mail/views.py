import base64
import secrets

from csp.constants import NONE, SELF
from csp.decorators import csp_replace
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models.functions import Length
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import escape
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_POST

from accounts.params import to_date, to_int
from accounts.permissions import ability_required

from . import branding, rendering, services
from .forms import EmailTemplateForm
from .models import EmailEvent, EmailMessage, EmailTemplate
from .selectors import analytics_data, queue_status

PIXEL = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")


# --- Tracking (public: the recipient's mail client calls these) ------------------


@never_cache
@require_GET
def track_open(request, token):
    message = EmailMessage.objects.filter(tracking_token=token).first()
    if message:
        services.record_open(message)
    return HttpResponse(PIXEL, content_type="image/gif")


@require_GET
def track_click(request, token, index):
    """Redirect to link number `index` of that message: only the links its template vouched for, and only
    to http(s), so no open redirect (a stored link someone changed to javascript: or //host is refused too)."""
    message = get_object_or_404(EmailMessage, tracking_token=token)
    if index >= len(message.links) or not rendering.is_trackable(message.links[index]):
        raise Http404
    url = message.links[index]
    services.record_click(message, url)
    return HttpResponseRedirect(url)


# --- Outbox ----------------------------------------------------------------------


@ability_required("send_email")
def outbox(request):
    emails = EmailMessage.objects.filter(organization=request.organization).select_related("template")
    filters = {
        "status": request.GET.get("status", ""),
        "template": to_int(request.GET.get("template")),
        "since": to_date(request.GET.get("since")),
    }
    if filters["status"] in EmailMessage.Status.values:
        emails = emails.filter(status=filters["status"])
    if filters["template"]:
        emails = emails.filter(template_id=filters["template"])
    if filters["since"]:
        # From the start of that day in the organisation's zone: an aware bound the created_at index serves.
        emails = emails.filter(created_at__gte=request.organization.day_start(filters["since"]))
    page = Paginator(emails, 25).get_page(request.GET.get("page"))
    ctx = {
        "page": page,
        "emails": page.object_list,
        "filters": filters,
        "statuses": EmailMessage.Status.choices,
        "templates": EmailTemplate.objects.filter(organization=request.organization),
        "tab": "outbox",
    }
    return render(request, "mail/outbox.html", ctx)


def _message_for(request, pk):
    return get_object_or_404(EmailMessage, pk=pk, organization=request.organization)


@ability_required("send_email", lookup=_message_for)
def message_detail(request, pk):
    message = _message_for(request, pk)
    events = list(message.events.all())
    erased = any(event.kind == EmailEvent.Kind.ERASED for event in events)
    # Names, types and sizes, the size from the database: the bytes are not read. A secret's message shows none.
    attachments = message.attachments.defer("content").annotate(size=Length("content"))
    ctx = {
        "message": message,
        "events": events,
        # An erased message has nothing left to send (services.retry refuses it): no Retry button.
        "can_retry": message.status == EmailMessage.Status.FAILED and not erased,
        "attachments": [] if message.sensitive else attachments,
    }
    return render(request, "mail/message_detail.html", ctx)


@require_POST
@ability_required("send_email", lookup=_message_for)
def retry_message(request, pk):
    message = _message_for(request, pk)
    try:
        services.retry(message=message)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, "The message is queued again.")
    return redirect("mail:message", message.pk)


# --- Templates -------------------------------------------------------------------


@ability_required("send_email")
def template_list(request):
    templates = EmailTemplate.objects.filter(organization=request.organization)
    return render(request, "mail/template_list.html", {"templates": templates, "tab": "templates"})


def _template_for(request, pk):
    return get_object_or_404(EmailTemplate, pk=pk, organization=request.organization)


@ability_required("manage_templates", lookup=_template_for)
def template_edit(request, pk=None):
    template = _template_for(request, pk) if pk else EmailTemplate(organization=request.organization)
    form = EmailTemplateForm(request.POST or None, instance=template)
    if request.method == "POST" and form.is_valid():
        template = form.save()
        if request.POST.get("send_test"):
            services.send_test(template=template, user=request.user)
            messages.success(request, f"Saved, and a test is on its way to {request.user.email}.")
        else:
            messages.success(request, "Template saved.")
        return redirect("mail:template_edit", template.pk)
    ctx = {
        "form": form,
        "template": template,
        "variables": rendering.VARIABLES,
        **_preview(request, form),
    }
    return render(request, "mail/template_edit.html", ctx, status=400 if form.errors else 200)


# A live preview's HTML waits here for its frame to ask for it (keyed by viewer and a random token).
PREVIEW_TTL = 30 * 60


def _preview_key(request, token):
    return f"mail-preview:{request.user.pk}:{token}"


def _render_preview(request, subject, html):
    """(errors, warnings, subject, branded HTML) of template sources, with the viewer's organisation's sample data."""
    errors, warnings = [], []
    for label, source in (("Subject", subject), ("HTML body", html)):
        e, w = rendering.check(source, label=label)
        errors += e
        warnings += w
    if errors:
        return errors, warnings, "", ""
    values = rendering.sample_values_for(request.organization, viewer=request.user)
    subject = " ".join(rendering.render(subject, values, html_output=False).split())
    body = branding.wrap_html(
        request.organization, rendering.render(html, values, html_output=True), values=values, subject=subject
    )
    return [], warnings, subject, str(body)


def _preview(request, form):
    """Subject and bodies rendered with the viewer's organisation's sample data, or the reasons they can't be.

    The HTML is shown in a frame of its own, not a srcdoc: a srcdoc frame inherits this page's CSP,
    which refuses the inline styles every email layout needs. A saved template's frame renders it
    again (template_frame); what is being typed (a POST) waits in the cache for its frame
    (template_preview_frame), so a GET writes nothing.
    """
    if form.is_bound:
        subject, html = form.data.get("subject", ""), form.data.get("html_body", "")
    else:
        subject, html = form.instance.subject, form.instance.html_body
    errors, warnings, subject, body = _render_preview(request, subject, html)
    if errors:
        return {"preview_errors": errors, "preview_warnings": warnings}
    if form.is_bound:
        token = secrets.token_urlsafe(16)
        cache.set(_preview_key(request, token), body, PREVIEW_TTL)
        frame = reverse("mail:template_preview_frame", args=[token])
    elif form.instance.pk:
        frame = reverse("mail:template_frame", args=[form.instance.pk])
    else:
        frame = ""  # a new, empty template: nothing to show yet
    # A plain-text render still comes back as a SafeString, and str() or conditional_escape() keep it
    # "safe": escape() always escapes, so markup in a subject (an htmx attribute is code) prints as text.
    return {"preview_subject": escape(subject), "preview_frame": frame, "preview_warnings": warnings}


@require_POST
@ability_required("manage_templates")
def template_preview(request):
    """The live preview (htmx): the editor's fields rendered with sample data."""
    form = EmailTemplateForm(request.POST)
    return render(request, "mail/template_edit.html#preview", _preview(request, form))


def _email_frame(view):
    """An email's HTML as a mail client shows it, for the editor's frame: its inline styles and its images
    (our logo), and nothing that runs. The frame has the sandbox attribute too; this policy holds even
    when the URL is opened alone."""
    policy = {
        "default-src": [NONE],
        "script-src": [NONE],
        "style-src": ["'unsafe-inline'"],
        "img-src": [SELF, "data:", "https:", "http:"],
        "form-action": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [SELF],
        "sandbox": [""],
    }
    return never_cache(require_GET(xframe_options_sameorigin(csp_replace(policy)(view))))


@_email_frame
@ability_required("manage_templates")
def template_preview_frame(request, token):
    """The HTML of one live preview (see _preview); 404 once expired or for another viewer."""
    html = cache.get(_preview_key(request, token))
    if html is None:
        raise Http404
    return HttpResponse(html)


@_email_frame
@ability_required("manage_templates", lookup=_template_for)
def template_frame(request, pk):
    """A saved template as the viewer's organisation's sample candidate would get it."""
    template = _template_for(request, pk)
    errors, _, _, html = _render_preview(request, template.subject, template.html_body)
    if errors:
        raise Http404  # the editor shows the reasons instead of a frame
    return HttpResponse(html)


# --- Analytics and the queue -------------------------------------------------------


# The analytics chart's drawing area inside its SVG viewBox (CHART_WIDTH x CHART_HEIGHT): room on the
# left for the count axis, below for the dates.
CHART_WIDTH, CHART_HEIGHT = 640, 230
PLOT_LEFT, PLOT_RIGHT, PLOT_TOP, PLOT_BOTTOM = 48, 630, 12, 180


def _nice_step(peak, ticks=4):
    """A step of 1, 2 or 5 times a power of ten, so `ticks` steps reach at least `peak`."""
    step = 1
    while step * ticks < peak:
        for factor in (2, 5 / 2, 2):  # 1 -> 2 -> 5 -> 10 -> 20 ...
            step = round(step * factor)
            if step * ticks >= peak:
                break
    return step


def _chart(per_day):
    """Geometry of the server-drawn SVG bar chart (no chart library, no script): bars, count ticks, date labels."""
    peak = max([row["total"] for row in per_day] + [1])
    step = _nice_step(peak)
    top = step * max(1, -(-peak // step))  # the axis ends on a tick at or above the busiest day
    height = PLOT_BOTTOM - PLOT_TOP
    slot = (PLOT_RIGHT - PLOT_LEFT) / max(len(per_day), 1)
    bars = []
    for index, row in enumerate(per_day):
        x = PLOT_LEFT + index * slot
        h_total, h_opened = (round(height * row[key] / top, 1) for key in ("total", "opened"))
        bars.append({
            **row, "x": round(x + slot * 0.15, 1), "width": round(slot * 0.7, 1), "centre": round(x + slot / 2, 1),
            "h_total": h_total, "y_total": round(PLOT_BOTTOM - h_total, 1),
            "h_opened": h_opened, "y_opened": round(PLOT_BOTTOM - h_opened, 1),
            # A date under every seventh bar, counted back from today's, so the last label is today.
            "labelled": (len(per_day) - 1 - index) % 7 == 0,
        })  # fmt: skip
    ticks = [{"value": v, "y": round(PLOT_BOTTOM - height * v / top, 1)} for v in range(0, top + 1, step)]
    return {
        "bars": bars, "ticks": ticks, "peak": peak, "width": CHART_WIDTH, "height": CHART_HEIGHT,
        "left": PLOT_LEFT, "right": PLOT_RIGHT, "top": PLOT_TOP, "bottom": PLOT_BOTTOM,
        "date_y": PLOT_BOTTOM + 18, "title_y": PLOT_BOTTOM + 42, "middle_y": (PLOT_TOP + PLOT_BOTTOM) / 2,
        "centre_x": (PLOT_LEFT + PLOT_RIGHT) / 2,
    }  # fmt: skip


@ability_required("send_email")
def analytics(request):
    data = analytics_data(request.organization)
    return render(request, "mail/analytics.html", {**data, "chart": _chart(data["per_day"]), "tab": "analytics"})


@ability_required("send_email")
def queue(request):
    status = queue_status(request.organization)
    failed = EmailMessage.objects.filter(organization=request.organization, status=EmailMessage.Status.FAILED)[:20]
    return render(request, "mail/queue.html", {"status": status, "failed": failed, "tab": "queue"})
