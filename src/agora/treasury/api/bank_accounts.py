"""Bank account routes of the JSON API, under /api/v1/orgs/{org}/: list, create, read, update.
treasury.view to read, treasury.write to write."""

from ninja import Router, Schema, Status

from agora.core.api import BODY_ERRORS, ERRORS, organisation_for
from agora.treasury.selectors.runs import bank_account_get, bank_account_list
from agora.treasury.services.bank_accounts import bank_account_create, bank_account_update

router = Router(tags=["trésorerie — comptes bancaires"])
PREFIX = "/orgs/{org}"


class BankAccountIn(Schema):
    label: str
    iban: str
    bic: str = ""
    bank_name: str = ""
    holder_name: str = ""
    account_code: str = ""
    journal_code: str = ""
    is_default: bool = False
    active: bool = True


class BankAccountPatch(Schema):
    label: str | None = None
    iban: str | None = None
    bic: str | None = None
    bank_name: str | None = None
    holder_name: str | None = None
    account_code: str | None = None
    is_default: bool | None = None
    active: bool | None = None


class BankAccountOut(Schema):
    id: int
    label: str
    bank_name: str
    iban: str
    bic: str
    holder_name: str
    account_code: str
    journal_code: str
    is_default: bool
    active: bool


def _out(account) -> dict:
    return {"id": account.pk, "label": account.label, "bank_name": account.bank_name, "iban": account.iban,
            "bic": account.bic, "holder_name": account.holder_name, "account_code": account.account.code,
            "journal_code": account.journal.code, "is_default": account.is_default, "active": account.active}


@router.get(PREFIX + "/bank-accounts", response={200: list[BankAccountOut], **ERRORS}, summary="Comptes bancaires")
def bank_accounts(request, org: str):
    organisation = organisation_for(request, org, "treasury.view")
    return [_out(account) for account in bank_account_list(organisation=organisation)]


@router.post(PREFIX + "/bank-accounts", response={201: BankAccountOut, **BODY_ERRORS},
             summary="Créer un compte bancaire")
def bank_account_new(request, org: str, payload: BankAccountIn):
    """IBAN and BIC are checked (422 naming the field); the 512 account and the BQn journal are found or created."""
    organisation = organisation_for(request, org, "treasury.write")
    account = bank_account_create(actor=request.auth, organisation=organisation, data=payload.dict())
    return Status(201, _out(bank_account_get(organisation=organisation, pk=account.pk)))


@router.get(PREFIX + "/bank-accounts/{account_id}", response={200: BankAccountOut, **ERRORS},
            summary="Un compte bancaire")
def bank_account_detail(request, org: str, account_id: int):
    organisation = organisation_for(request, org, "treasury.view")
    return _out(bank_account_get(organisation=organisation, pk=account_id))


@router.patch(PREFIX + "/bank-accounts/{account_id}", response={200: BankAccountOut, **BODY_ERRORS},
              summary="Modifier un compte bancaire")
def bank_account_patch(request, org: str, account_id: int, payload: BankAccountPatch):
    organisation = organisation_for(request, org, "treasury.write")
    account = bank_account_get(organisation=organisation, pk=account_id)
    data = {key: value for key, value in payload.dict().items() if value is not None}
    bank_account_update(actor=request.auth, bank_account=account, data=data)
    return _out(bank_account_get(organisation=organisation, pk=account_id))
