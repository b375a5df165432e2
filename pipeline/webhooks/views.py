"""Settings → Webhooks: the organisation's endpoints, each with its delivery log, for its admins
(`manage_organization`, as the other settings pages). Every change goes through services.py."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_GET, require_POST

from accounts.permissions import ability_required

from . import services
from .forms import EndpointEditForm, EndpointForm
from .models import WebhookDelivery, WebhookEndpoint

DELIVERIES_PER_PAGE = 25


def get_endpoint_for_org(request, pk):
    """An endpoint of the current organisation, or 404."""
    return get_object_or_404(WebhookEndpoint, pk=pk, organization=request.organization)


def get_delivery_for_org(request, pk):
    """A delivery to one of the current organisation's endpoints, or 404."""
    return get_object_or_404(
        WebhookDelivery.objects.select_related("endpoint"), pk=pk, endpoint__organization=request.organization
    )


def _show_secret_once(request, endpoint):
    # Read on the next page and dropped from the session there: the secret is shown once.
    request.session[f"webhook-secret-{endpoint.pk}"] = endpoint.secret


def _save(form, change):
    """Run `change` (a service call) with the form's data; its errors go on the form's fields."""
    if not form.is_valid():
        return None
    try:
        return change(form.cleaned_data)
    except ValidationError as error:
        form.add_error(None, error)
        return None


@require_GET
@ability_required("manage_organization")
def webhooks(request):
    endpoints = WebhookEndpoint.objects.filter(organization=request.organization).order_by("created_at", "pk")
    return render(request, "pipeline/webhooks/webhooks.html", {"endpoints": endpoints})


@ability_required("manage_organization")
def webhook_create(request):
    form = EndpointForm(request.POST or None)
    if request.method == "POST":

        def create(data):
            return services.create_endpoint(
                organization=request.organization, url=data["url"], events=data["events"],
                description=data["description"], by=request.user,
            )  # fmt: skip

        endpoint = _save(form, create)
        if endpoint is not None:
            _show_secret_once(request, endpoint)
            messages.success(request, "Webhook endpoint added.")
            return redirect("pipeline:webhook", endpoint.pk)
    ctx = {"form": form}
    return render(request, "pipeline/webhooks/endpoint_form.html", ctx, status=400 if form.errors else 200)


@require_GET
@ability_required("manage_organization", lookup=get_endpoint_for_org)
def webhook(request, pk):
    """The endpoint, its secret if it was just made or rotated, and its delivery log."""
    endpoint = get_endpoint_for_org(request, pk)
    deliveries = Paginator(endpoint.deliveries.order_by("-created_at", "-pk"), DELIVERIES_PER_PAGE)
    ctx = {
        "endpoint": endpoint,
        "secret": request.session.pop(f"webhook-secret-{endpoint.pk}", None),
        "page": deliveries.get_page(request.GET.get("page")),
        "pending": WebhookDelivery.Status.PENDING,
    }
    response = render(request, "pipeline/webhooks/endpoint.html", ctx)
    if ctx["secret"]:
        add_never_cache_headers(response)  # no copy of the secret in a cache, or behind the Back button
    return response


@ability_required("manage_organization", lookup=get_endpoint_for_org)
def webhook_edit(request, pk):
    endpoint = get_endpoint_for_org(request, pk)
    initial = {field: getattr(endpoint, field) for field in ("url", "description", "events", "is_active")}
    form = EndpointEditForm(request.POST or None, initial=initial)
    if request.method == "POST":
        saved = _save(form, lambda data: services.update_endpoint(endpoint=endpoint, **data))
        if saved is not None:
            messages.success(request, "Webhook endpoint saved.")
            return redirect("pipeline:webhook", endpoint.pk)
        endpoint.refresh_from_db()  # the page shows what is saved, not what was refused
    ctx = {"form": form, "endpoint": endpoint}
    return render(request, "pipeline/webhooks/endpoint_form.html", ctx, status=400 if form.errors else 200)


@ability_required("manage_organization", lookup=get_endpoint_for_org)
def rotate_webhook_secret(request, pk):
    """GET: what rotating does, and a button to confirm. POST: rotate, and show the new secret once."""
    endpoint = get_endpoint_for_org(request, pk)
    if request.method == "POST":
        services.rotate_secret(endpoint=endpoint)
        _show_secret_once(request, endpoint)
        messages.success(request, "New secret made. The old one keeps signing for 24 hours.")
        return redirect("pipeline:webhook", endpoint.pk)
    return render(request, "pipeline/webhooks/rotate_confirm.html", {"endpoint": endpoint})


@ability_required("manage_organization", lookup=get_endpoint_for_org)
def delete_webhook(request, pk):
    """GET: a confirmation. POST: the endpoint and its log go."""
    endpoint = get_endpoint_for_org(request, pk)
    if request.method == "POST":
        services.delete_endpoint(endpoint=endpoint)
        messages.success(request, "Webhook endpoint deleted.")
        return redirect("pipeline:webhooks")
    ctx = {"endpoint": endpoint, "deliveries": endpoint.deliveries.count()}
    return render(request, "pipeline/webhooks/delete_confirm.html", ctx)


@require_POST
@ability_required("manage_organization", lookup=get_delivery_for_org)
def redeliver_webhook(request, pk):
    delivery = get_delivery_for_org(request, pk)
    try:
        services.redeliver(delivery=delivery)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Sent again: it is on its way.")
    return redirect("pipeline:webhook", delivery.endpoint_id)
