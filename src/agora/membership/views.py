"""Membership screens under /o/<org>/adherents/: register, categories, fees, renewal campaigns, donations.

Views only read the input, check the permission and call a service; a BusinessError lands on the form field it
names. Every object is looked up inside request.organisation (another organisation's id answers 404).
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from agora.core import exports
from agora.core.audit import history_of
from agora.core.errors import BusinessError, PermissionDenied
from agora.core.mail import mails_of
from agora.core.permissions import has_perm, require
from agora.core.views import query_with

from . import selectors, services
from .forms import (
    CampaignForm,
    CategoryForm,
    DonationFilterForm,
    DonationForm,
    FeeFilterForm,
    FeesGenerateForm,
    MemberEditForm,
    MemberFilterForm,
    MemberLeaveForm,
    MemberRegisterForm,
    PaymentForm,
    SettingsForm,
)
from .models import Donation, Member, MembershipCategory, MembershipFee, RenewalCampaign

PAGE_SIZE = 50


# --- plumbing --------------------------------------------------------------------------------------------------

def membership_view(write: bool = False):
    """Log-in and permission gate: membership.view always, membership.write for POST (or for the whole view
    when `write`). A refused permission answers 403."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            try:
                require(request.user, request.organisation, "membership.view")
                if write or request.method == "POST":
                    require(request.user, request.organisation, "membership.write")
                return view(request, *args, **kwargs)
            except PermissionDenied as denied:
                raise Forbidden(denied.message) from denied

        return wrapper

    return decorator


def _can_write(request) -> bool:
    return has_perm(request.user, request.organisation, "membership.write")


def _error_on(form, error: BusinessError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _get(getter, request, pk):
    try:
        return getter(organisation=request.organisation, pk=pk)
    except (Member.DoesNotExist, MembershipFee.DoesNotExist, MembershipCategory.DoesNotExist,
            Donation.DoesNotExist, RenewalCampaign.DoesNotExist) as missing:
        raise Http404("Introuvable") from missing


def _export(request, name: str, header, rows):
    kind = request.GET.get("export")
    make = exports.csv_response if kind == "csv" else exports.xlsx_response
    return make(f"{name}-{request.organisation.slug}.{kind}", header, rows)


def _nonprofit_error(request) -> str:
    try:
        services.nonprofit_check(request.organisation)
    except BusinessError as error:
        return error.message
    return ""


# --- member register -------------------------------------------------------------------------------------------

@membership_view()
def members(request, org):
    form = MemberFilterForm(request.GET or None, organisation=request.organisation)
    filters = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {"search": data["q"], "status": data["status"] or None, "category": data["category"]}
    queryset = selectors.member_list(organisation=request.organisation, **filters)
    if request.GET.get("export") in ("csv", "xlsx"):
        return _export(request, "adherents", selectors.MEMBER_EXPORT_HEADER, selectors.member_export_rows(queryset))
    return render(request, "membership/members.html", {
        "form": form, "page": _page(request, queryset), "can_write": _can_write(request),
        "csv_query": query_with(request, export="csv"), "xlsx_query": query_with(request, export="xlsx"),
        "nonprofit_error": _nonprofit_error(request),
    })


@membership_view(write=True)
def member_new(request, org):
    form = MemberRegisterForm(request.POST if request.method == "POST" else None, organisation=request.organisation,
                              initial={"joined_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            member = services.member_register(
                actor=request.user, organisation=request.organisation, category=data["category"],
                joined_on=data["joined_on"], party=data["party"],
                party_data=None if data["party"] else form.party_data(), notes=data["notes"])
        except BusinessError as error:
            _error_on(form, error)
        else:
            return redirect("membership:member_detail", org=org, pk=member.pk)
    return render(request, "membership/member_form.html", {"form": form,
                                                           "nonprofit_error": _nonprofit_error(request)})


@membership_view()
def member_detail(request, org, pk):
    member = _get(selectors.member_get, request, pk)
    edit_form = MemberEditForm(request.POST if request.method == "POST" else None, organisation=request.organisation,
                               initial={"category": member.category_id, "notes": member.notes})
    if request.method == "POST" and edit_form.is_valid():
        try:
            services.member_update(actor=request.user, member=member, category=edit_form.cleaned_data["category"],
                                   notes=edit_form.cleaned_data["notes"])
        except BusinessError as error:
            _error_on(edit_form, error)
        else:
            return redirect("membership:member_detail", org=org, pk=member.pk)
    return render(request, "membership/member_detail.html", {
        "member": member, "fees": selectors.member_fees(member=member), "edit_form": edit_form,
        "leave_form": MemberLeaveForm(initial={"left_on": timezone.localdate()}), "can_write": _can_write(request),
        "mails": mails_of(organisation=request.organisation, party_id=member.party_id)[:20],
        "history": history_of(organisation=request.organisation, obj=member),
    })


@require_POST
@membership_view(write=True)
def member_leave(request, org, pk):
    member = _get(selectors.member_get, request, pk)
    form = MemberLeaveForm(request.POST)
    if form.is_valid():
        try:
            services.member_leave(actor=request.user, member=member, left_on=form.cleaned_data["left_on"])
        except BusinessError as error:
            _error_on(form, error)
        else:
            return redirect("membership:member_detail", org=org, pk=member.pk)
    return render(request, "membership/member_detail.html", {
        "member": member, "fees": selectors.member_fees(member=member), "can_write": True, "leave_form": form,
        "edit_form": MemberEditForm(organisation=request.organisation,
                                    initial={"category": member.category_id, "notes": member.notes}),
        "mails": [], "history": history_of(organisation=request.organisation, obj=member),
    }, status=422)


# --- categories and settings -----------------------------------------------------------------------------------

@membership_view()
def categories(request, org):
    form = CategoryForm(request.POST if request.method == "POST" else None, initial={"active": True})
    if request.method == "POST" and form.is_valid():
        try:
            services.category_create(actor=request.user, organisation=request.organisation, data=form.cleaned_data)
        except BusinessError as error:
            _error_on(form, error)
        else:
            return redirect("membership:categories", org=org)
    return render(request, "membership/categories.html", {
        "categories": selectors.category_list(organisation=request.organisation), "form": form,
        "can_write": _can_write(request), "nonprofit_error": _nonprofit_error(request),
    })


@membership_view(write=True)
def category_edit(request, org, pk):
    category = _get(selectors.category_get, request, pk)
    initial = {"code": category.code, "label": category.label, "amount": str(category.amount).replace(".", ","),
               "account": category.account, "active": category.active}
    form = CategoryForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.category_update(actor=request.user, category=category, data=form.cleaned_data)
        except BusinessError as error:
            _error_on(form, error)
        else:
            return redirect("membership:categories", org=org)
    return render(request, "membership/category_form.html", {"form": form, "category": category})


@membership_view()
def settings_edit(request, org):
    current = services.settings_of(request.organisation)
    form = SettingsForm(request.POST if request.method == "POST" else None, instance=current)
    if request.method == "POST" and form.is_valid():
        try:
            services.settings_update(actor=request.user, organisation=request.organisation,
                                     data=form.cleaned_data)
        except BusinessError as error:
            _error_on(form, error)
        else:
            return redirect("membership:settings", org=org)
    return render(request, "membership/settings.html", {"form": form, "can_write": _can_write(request)})


# --- fees ------------------------------------------------------------------------------------------------------

FEE_EXPORT_HEADER = ["Année", "N° adhérent", "Nom", "Catégorie", "Montant", "Échéance", "Payé", "Reste dû", "État"]


@membership_view()
def fees(request, org):
    today = timezone.localdate()
    form = FeeFilterForm(request.GET or None, initial={"year": today.year})
    year, state, search = today.year, None, ""
    if form.is_valid():
        year = form.cleaned_data["year"] or today.year
        state, search = form.cleaned_data["state"] or None, form.cleaned_data["q"]
    queryset = selectors.fee_list(organisation=request.organisation, year=year, state=state, search=search)
    if request.GET.get("export") in ("csv", "xlsx"):
        rows = ([f.year, f.member.number, f.member.party.name, f.category.label, f.amount, f.due_date, f.paid_amount,
                 f.balance, f.get_state_display()] for f in queryset.iterator(chunk_size=2000))
        return _export(request, f"cotisations-{year}", FEE_EXPORT_HEADER, rows)
    return render(request, "membership/fees.html", {
        "form": form, "year": year, "page": _page(request, queryset), "totals": selectors.fee_totals(queryset),
        "years": selectors.fee_years(organisation=request.organisation), "can_write": _can_write(request),
        "generate_form": FeesGenerateForm(initial={"year": year}),
        "csv_query": query_with(request, export="csv"), "xlsx_query": query_with(request, export="xlsx"),
    })


@require_POST
@membership_view(write=True)
def fees_generate(request, org):
    form = FeesGenerateForm(request.POST)
    if form.is_valid():
        year = form.cleaned_data["year"]
        try:
            created = services.fees_generate(actor=request.user, organisation=request.organisation, year=year,
                                             due_date=form.cleaned_data["due_date"])
        except BusinessError as error:
            _error_on(form, error)
        else:
            plural = "s" if len(created) > 1 else ""
            messages.success(request, f"{len(created)} cotisation{plural} {year} appelée{plural}.")
            return redirect(reverse("membership:fees", kwargs={"org": org}) + f"?year={year}")
    return render(request, "membership/fees_generate.html", {"form": form}, status=422)


@membership_view()
def fee_detail(request, org, pk):
    fee = _get(selectors.fee_get, request, pk)
    form = PaymentForm(request.POST if request.method == "POST" else None,
                       initial={"date": timezone.localdate(), "amount": str(fee.balance).replace(".", ","),
                                "method": "cheque"})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.fee_payment_record(actor=request.user, fee=fee, date=data["date"], method=data["method"],
                                        amount=data["amount"], reference=data["reference"])
        except BusinessError as error:
            _error_on(form, error)
        else:
            return redirect("membership:fee_detail", org=org, pk=fee.pk)
    return render(request, "membership/fee_detail.html", {
        "fee": fee, "payments": selectors.fee_payments(fee=fee), "form": form, "can_write": _can_write(request),
        "open": fee.state in selectors.OPEN_STATES, "history": history_of(organisation=request.organisation, obj=fee),
    }, status=422 if form.errors else 200)


@require_POST
@membership_view(write=True)
def fee_cancel(request, org, pk):
    fee = _get(selectors.fee_get, request, pk)
    try:
        services.fee_cancel(actor=request.user, fee=fee)
    except BusinessError as error:
        return render(request, "membership/fee_detail.html", {
            "fee": fee, "payments": selectors.fee_payments(fee=fee), "form": PaymentForm(), "can_write": True,
            "open": False, "error": error.message,
            "history": history_of(organisation=request.organisation, obj=fee)}, status=422)
    return redirect("membership:fee_detail", org=org, pk=fee.pk)


# --- renewal campaigns -----------------------------------------------------------------------------------------

@membership_view()
def campaigns(request, org):
    form = CampaignForm(request.POST if request.method == "POST" else None,
                        initial={"year": timezone.localdate().year + 1, "send_emails": True})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            campaign = services.renewal_campaign_run(
                actor=request.user, organisation=request.organisation, year=data["year"], due_date=data["due_date"],
                send_emails=data["send_emails"])
        except BusinessError as error:
            _error_on(form, error)
        else:
            messages.success(request, f"Campagne {campaign.year} lancée : {campaign.fees_generated} cotisation(s) "
                             f"appelée(s), {campaign.letters_count} lettre(s), {campaign.emails_sent} e-mail(s) "
                             f"envoyé(s), {campaign.emails_failed} en échec.")
            return redirect("membership:campaigns", org=org)
    return render(request, "membership/campaigns.html", {
        "campaigns": selectors.campaign_list(organisation=request.organisation), "form": form,
        "can_write": _can_write(request), "nonprofit_error": _nonprofit_error(request),
    }, status=422 if form.errors else 200)


@membership_view()
def campaign_letters(request, org, pk):
    campaign = _get(selectors.campaign_get, request, pk)
    response = HttpResponse(services.renewal_letters_pdf(campaign=campaign), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="renouvellement-{campaign.year}.pdf"'
    return response


# --- donations -------------------------------------------------------------------------------------------------

DONATION_EXPORT_HEADER = ["Date", "Donateur", "Code tiers", "Montant", "Mode", "Référence", "Écriture", "N° de reçu",
                          "Reçu émis le"]


@membership_view()
def donations(request, org):
    today = timezone.localdate()
    form = DonationFilterForm(request.GET or None, initial={"year": today.year})
    year, receipt, search = today.year, None, ""
    if form.is_valid():
        year = form.cleaned_data["year"] or today.year
        receipt = {"1": True, "0": False}.get(form.cleaned_data["receipt"])
        search = form.cleaned_data["q"]
    queryset = selectors.donation_list(organisation=request.organisation, year=year, receipt=receipt, search=search)
    if request.GET.get("export") in ("csv", "xlsx"):
        rows = ([d.date, d.party.name, d.party.code, d.amount, d.get_method_display(), d.reference,
                 d.entry.display_number, d.receipt_number, d.receipt_issued_at]
                for d in queryset.iterator(chunk_size=2000))
        return _export(request, f"dons-{year}", DONATION_EXPORT_HEADER, rows)
    return render(request, "membership/donations.html", {
        "form": form, "year": year, "page": _page(request, queryset), "totals": selectors.donation_totals(queryset),
        "per_year": selectors.donations_per_year(organisation=request.organisation),
        "can_write": _can_write(request), "nonprofit_error": _nonprofit_error(request),
        "csv_query": query_with(request, export="csv"), "xlsx_query": query_with(request, export="xlsx"),
    })


@membership_view(write=True)
def donation_new(request, org):
    form = DonationForm(request.POST if request.method == "POST" else None, organisation=request.organisation,
                        initial={"date": timezone.localdate(), "method": "cheque"})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():  # a refused gift leaves no new donor behind
                party = data["party"] or services.donor_create(actor=request.user, organisation=request.organisation,
                                                               data=form.party_data())
                donation = services.donation_record(
                    actor=request.user, organisation=request.organisation, party=party, date=data["date"],
                    amount=data["amount"], method=data["method"], reference=data["reference"])
        except BusinessError as error:
            _error_on(form, error)
        else:
            return redirect("membership:donation_detail", org=org, pk=donation.pk)
    return render(request, "membership/donation_form.html", {"form": form,
                                                             "nonprofit_error": _nonprofit_error(request)},
                  status=422 if form.errors else 200)


@membership_view()
def donation_detail(request, org, pk):
    donation = _get(selectors.donation_get, request, pk)
    return render(request, "membership/donation_detail.html", {
        "donation": donation, "can_write": _can_write(request), "error": "",
        "history": history_of(organisation=request.organisation, obj=donation)})


@require_POST
@membership_view(write=True)
def donation_receipt_issue(request, org, pk):
    donation = _get(selectors.donation_get, request, pk)
    try:
        services.donation_receipt_issue(actor=request.user, donation=donation)
    except BusinessError as error:
        return render(request, "membership/donation_detail.html", {
            "donation": donation, "can_write": True, "error": error.message,
            "history": history_of(organisation=request.organisation, obj=donation)}, status=422)
    return redirect("membership:donation_detail", org=org, pk=donation.pk)


@membership_view()
def donation_receipt_pdf(request, org, pk):
    donation = _get(selectors.donation_get, request, pk)
    if not donation.receipt_number:
        raise Http404("Aucun reçu émis pour ce don")
    response = HttpResponse(bytes(donation.receipt_pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="recu-fiscal-{donation.receipt_number}.pdf"'
    return response
