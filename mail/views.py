import base64

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models.functions import Length
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.html import escape
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from accounts.params import to_date, to_int
from accounts.permissions import ability_required

from . import rendering, services
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
    return render(request, "mail/template_list.html", {"templates": templates})


def _template_for(request, pk):
    return get_object_or_404(EmailTemplate, pk=pk, organization=request.organization)


@ability_required("manage_templates", lookup=_template_for)
def template_edit(request, pk=None):
    template = _template_for(request, pk) if pk else EmailTemplate(organization=request.organization)
    form = EmailTemplateForm(request.POST or None, instance=template)
    if request.method == "POST" and form.is_valid():
        template = form.save()
        if request.POST.get("send_test"):
            subject, html, text = services.render_template(template, rendering.sample_values())
            services.queue_email(
                organization=request.organization, to=[request.user.email], subject=f"[Test] {subject}",
                html=html, text=text, template=template, sent_by=request.user,
            )  # fmt: skip
            messages.success(request, f"Saved, and a test is on its way to {request.user.email}.")
        else:
            messages.success(request, "Template saved.")
        return redirect("mail:template_edit", template.pk)
    ctx = {"form": form, "template": template, "variables": rendering.VARIABLES, **_preview(form)}
    return render(request, "mail/template_edit.html", ctx, status=400 if form.errors else 200)


def _preview(form):
    """Subject and bodies rendered with sample data, or the reasons they can't be."""
    data = form.data if form.is_bound else None
    subject = data.get("subject", "") if data else form.instance.subject
    html = data.get("html_body", "") if data else form.instance.html_body
    errors, warnings = [], []
    for label, source in (("Subject", subject), ("HTML body", html)):
        e, w = rendering.check(source, label=label)
        errors += e
        warnings += w
    if errors:
        return {"preview_errors": errors, "preview_warnings": warnings}
    values = rendering.sample_values()
    return {
        # A plain-text render still comes back as a SafeString, and str() or conditional_escape() keep it
        # "safe": escape() always escapes, so markup in a subject (an htmx attribute is code) prints as text.
        "preview_subject": escape(rendering.render(subject, values, html_output=False)),
        "preview_html": rendering.render(html, values, html_output=True),
        "preview_warnings": warnings,
    }


@require_POST
@ability_required("manage_templates")
def template_preview(request):
    """The live preview (htmx): the editor's fields rendered with sample data."""
    form = EmailTemplateForm(request.POST)
    return render(request, "mail/template_edit.html#preview", _preview(form))


# --- Analytics and the queue -------------------------------------------------------


@ability_required("send_email")
def analytics(request):
    data = analytics_data(request.organization)
    peak = max([row["total"] for row in data["per_day"]] + [1])
    for index, row in enumerate(data["per_day"]):
        # Bar geometry for the server-drawn SVG chart (no chart library, no script).
        row["x"] = index * 20
        row["h_total"] = round(120 * row["total"] / peak)
        row["h_opened"] = round(120 * row["opened"] / peak)
    return render(request, "mail/analytics.html", {**data, "peak": peak})


@ability_required("send_email")
def queue(request):
    status = queue_status(request.organization)
    failed = EmailMessage.objects.filter(organization=request.organization, status=EmailMessage.Status.FAILED)[:20]
    return render(request, "mail/queue.html", {"status": status, "failed": failed})
