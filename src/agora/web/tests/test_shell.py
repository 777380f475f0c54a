"""The web shell: login and throttling, the organisation switcher, isolation, navigation, profile tokens,
organisation settings and the audit log."""

import hashlib
import html as html_lib
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from agora.core.models import ApiToken, AuditEvent, LoginAttempt, Membership, Organisation
from agora.core.services import organisation_update
from agora.core.tests.builders import grant, make_organisation, make_user

PASSWORD = "motdepasse-solide-42"

pytestmark = pytest.mark.django_db


def login(client, username):
    assert client.login(username=username, password=PASSWORD)
    return client


# ---- Login, throttling, logout ----------------------------------------------------------------------------

def test_login_page_is_french_and_login_redirects_to_the_organisation(client, two_orgs):
    page = client.get(reverse("web:login"))
    assert page.status_code == 200
    assert "Connexion à Agora" in page.text and 'lang="fr"' in page.text
    assert "/static/django_htmx/htmx-2.min.js" in page.text and "/static/web/agora.css" in page.text

    response = client.post(reverse("web:login"), {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302 and response.url == "/"
    home = client.get("/")
    assert home.status_code == 302 and home.url == "/o/durand/"
    assert client.get("/o/durand/").status_code == 200


def test_wrong_password_is_recorded_and_refused(client, two_orgs):
    response = client.post(reverse("web:login"), {"username": "Alice", "password": "faux"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert list(LoginAttempt.objects.values_list("username", "address")) == [("alice", "127.0.0.1")]


def test_throttling_after_five_failures_refuses_even_the_right_password(client, two_orgs):
    for _ in range(5):
        assert client.post(reverse("web:login"), {"username": "alice", "password": "faux"}).status_code == 200
    assert LoginAttempt.objects.filter(username="alice").count() == 5

    response = client.post(reverse("web:login"), {"username": "alice", "password": PASSWORD})
    assert response.status_code == 429
    assert "Trop de tentatives de connexion infructueuses" in response.text
    assert "_auth_user_id" not in client.session
    # A refused attempt is not evaluated, so it is not counted either.
    assert LoginAttempt.objects.filter(username="alice").count() == 5
    # Another user from another address is not affected.
    other = client.post(reverse("web:login"), {"username": "bruno", "password": PASSWORD}, REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 302


def test_success_clears_failures(client, two_orgs):
    for _ in range(3):
        client.post(reverse("web:login"), {"username": "alice", "password": "faux"})
    assert client.post(reverse("web:login"), {"username": "alice", "password": PASSWORD}).status_code == 302
    assert LoginAttempt.objects.filter(username="alice").count() == 0


def test_logout_is_post_only(client, two_orgs):
    login(client, "alice")
    assert client.get(reverse("web:logout")).status_code == 405
    response = client.post(reverse("web:logout"))
    assert response.status_code == 302 and response.url == reverse("web:login")
    assert "_auth_user_id" not in client.session
    assert client.get("/o/durand/").url == "/connexion/?next=/o/durand/"


def test_anonymous_is_sent_to_login(client, two_orgs):
    for url in ["/", "/profil/", "/o/durand/", "/o/durand/organisation/", "/o/durand/journal-des-modifications/"]:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith("/connexion/?next="), url


# ---- Home, switcher, isolation -----------------------------------------------------------------------------

def test_user_without_organisation_sees_aucune_organisation(client, db):
    make_user("solo")
    login(client, "solo")
    response = client.get("/")
    assert response.status_code == 200
    assert "Aucune organisation" in response.text


def test_switcher_lists_only_the_users_organisations(client, two_orgs):
    durand, quartier, users = two_orgs
    make_organisation(slug="tiers", legal_name="Tiers Inconnu SAS", siren="", siret="")
    grant(users["alice"], quartier, "management")
    login(client, "alice")
    page = client.get("/o/durand/")
    options = re.findall(r'<option value="([^"]+)"( selected)?>', page.text)
    assert options == [("durand", " selected"), ("quartier", "")]
    assert "Tiers Inconnu" not in page.text

    response = client.post(reverse("web:switch"), {"org": "quartier"})
    assert response.status_code == 302 and response.url == "/o/quartier/"
    assert client.get("/").url == "/o/quartier/"  # the last organisation is remembered

    assert client.post(reverse("web:switch"), {"org": "tiers"}).status_code == 404
    assert client.get(reverse("web:switch")).status_code == 405


def test_other_organisation_answers_404(client, two_orgs):
    login(client, "alice")
    for url in ["/o/quartier/", "/o/quartier/organisation/", "/o/quartier/journal-des-modifications/",
                "/o/inexistante/"]:
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Page introuvable" in response.text
        assert "Quartier Vivant" not in response.text
    response = client.post("/o/quartier/organisation/", {"action": "organisation", "legal_name": "Piraté"})
    assert response.status_code == 404
    assert Organisation.objects.get(slug="quartier").legal_name == "Quartier Vivant"


def test_org_home_shows_identity_and_roles(client, two_orgs):
    login(client, "bruno")
    page = client.get("/o/durand/")
    assert "Durand SARL" in page.text and "Entreprise" in page.text and "SIREN 732829320" in page.text
    assert "Vos rôles : Comptabilité" in page.text


# ---- Navigation ----------------------------------------------------------------------------------------------

def nav_labels(html: str) -> list[str]:
    nav = re.search(r'<nav class="sidenav".*?</nav>', html, re.S)
    return [html_lib.unescape(s) for s in re.findall(r"<a [^>]*>([^<]+)</a>", nav.group(0))] if nav else []


def nav_titles(html: str) -> list[str]:
    nav = re.search(r'<nav class="sidenav".*?</nav>', html, re.S)
    return re.findall(r"<h2>([^<]+)</h2>", nav.group(0)) if nav else []


@pytest.mark.urls("agora.web.tests.urls")
def test_nav_shows_built_and_permitted_sections_only(client, two_orgs):
    login(client, "alice")  # administrator: every permission
    page = client.get("/o/durand/").text
    assert nav_titles(page) == ["Comptabilité", "Administration"]
    assert nav_labels(page) == ["Accueil", "Écritures", "Saisir une écriture", "Balance", "Clôture de l'exercice",
                                "Organisation et membres", "Journal des modifications"]
    assert 'href="/o/durand/compta/ecritures/nouvelle/"' in page
    client.logout()

    login(client, "bruno")  # accounting: the ledger, not the administration
    page = client.get("/o/durand/").text
    assert nav_titles(page) == ["Comptabilité"]
    assert "Organisation et membres" not in page
    client.logout()

    login(client, "chloe")  # sales: no accounting right and no built page of her own yet
    page = client.get("/o/durand/").text
    assert nav_titles(page) == []
    assert "Comptabilité" not in page and "Écritures" not in page


@pytest.mark.urls("agora.web.tests.urls")
def test_nav_marks_the_current_page(client, two_orgs):
    login(client, "alice")
    page = client.get("/o/durand/organisation/").text
    assert re.search(r'<a href="/o/durand/organisation/" aria-current="page">Organisation et membres</a>', page)
    assert page.count('aria-current="page"') == 1


@pytest.mark.urls("agora.web.tests.urls")
def test_nav_on_a_page_outside_an_organisation_uses_the_last_one(client, two_orgs):
    login(client, "bruno")
    page = client.get("/profil/").text
    assert 'href="/o/durand/compta/ecritures/"' in page


# ---- Profile: password and API tokens ---------------------------------------------------------------------

def test_profile_token_is_shown_once_and_only_its_digest_is_stored(client, two_orgs):
    login(client, "bruno")
    response = client.post("/profil/", {"action": "token_create", "name": "Export comptable"})
    assert response.status_code == 200
    raw = re.search(r'<p class="token-once" id="nouveau-jeton">([^<]+)</p>', response.text).group(1)
    assert raw.startswith("agora_") and len(raw) == 49
    token = ApiToken.objects.get(user__username="bruno")
    assert token.name == "Export comptable"
    assert token.digest == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in str(list(ApiToken.objects.values()))
    assert raw not in str(list(AuditEvent.objects.values()))
    assert raw not in str(dict(client.session))

    again = client.get("/profil/")
    assert raw not in again.text
    assert f"agora_{raw[6:14]}…" in again.text and "Export comptable" in again.text


def test_profile_token_revoke_and_foreign_token(client, two_orgs):
    login(client, "bruno")
    client.post("/profil/", {"action": "token_create", "name": "A"})
    mine = ApiToken.objects.get(user__username="bruno")
    client.logout()
    login(client, "alice")
    response = client.post("/profil/", {"action": "token_revoke", "token": mine.pk}, follow=True)
    assert "Jeton introuvable." in response.text
    assert ApiToken.objects.filter(pk=mine.pk).exists()
    client.logout()
    login(client, "bruno")
    response = client.post("/profil/", {"action": "token_revoke", "token": mine.pk}, follow=True)
    assert "Le jeton a été révoqué." in response.text
    assert not ApiToken.objects.filter(pk=mine.pk).exists()


def test_profile_token_requires_a_name(client, two_orgs):
    login(client, "bruno")
    response = client.post("/profil/", {"action": "token_create", "name": ""})
    assert "Ce champ est obligatoire." in response.text
    assert ApiToken.objects.count() == 0


def test_profile_password_change_keeps_the_session(client, two_orgs):
    login(client, "bruno")
    response = client.post("/profil/", {"action": "password", "old_password": PASSWORD,
                                        "new_password1": "un-autre-secret-77", "new_password2": "un-autre-secret-77"})
    assert response.status_code == 302
    assert client.get("/o/durand/").status_code == 200
    client.logout()
    assert client.login(username="bruno", password="un-autre-secret-77")

    refused = client.post("/profil/", {"action": "password", "old_password": "faux",
                                       "new_password1": "x-y-z-12345678", "new_password2": "x-y-z-12345678"})
    assert refused.status_code == 200
    assert "ancien mot de passe est incorrect" in refused.text


# ---- Organisation settings ----------------------------------------------------------------------------------

def settings_data(org: Organisation, **changes) -> dict:
    data = {"action": "organisation", "legal_name": org.legal_name, "legal_form": org.legal_form, "kind": org.kind,
            "siren": org.siren, "siret": org.siret, "vat_number": org.vat_number, "ape_code": org.ape_code,
            "rcs_city": org.rcs_city, "share_capital": "", "address_line1": org.address_line1,
            "address_line2": org.address_line2, "postal_code": org.postal_code, "city": org.city,
            "country": org.country, "vat_regime": org.vat_regime,
            "fiscal_year_start_month": org.fiscal_year_start_month}
    return {**data, **changes}


def test_org_settings_updates_through_the_service_and_audits(client, two_orgs):
    durand, _, _ = two_orgs
    login(client, "alice")
    response = client.post("/o/durand/organisation/", settings_data(
        durand, legal_name="Durand et Fils SARL", share_capital="10 000,50", ape_code="4791b", rcs_city="Lyon"))
    assert response.status_code == 302 and response.url == "/o/durand/organisation/"
    durand.refresh_from_db()
    assert (durand.legal_name, str(durand.share_capital), durand.ape_code, durand.rcs_city) == (
        "Durand et Fils SARL", "10000.50", "47.91B", "Lyon")
    event = AuditEvent.objects.get(action="organisation.update")
    assert event.actor.username == "alice"
    assert event.before["legal_name"] == "Durand SARL" and event.after["legal_name"] == "Durand et Fils SARL"
    assert event.after["share_capital"] == "10000.50"

    page = client.get("/o/durand/organisation/").text
    assert "Les informations de l&#x27;organisation ont été enregistrées." in page
    assert 'value="10\u202f000,50"' in page
    assert "Modification de l&#x27;organisation" in page  # the history snippet, shown to the administrator


def test_org_settings_refuses_invalid_siret_in_french_and_writes_nothing(client, two_orgs):
    durand, _, _ = two_orgs
    login(client, "alice")
    before = AuditEvent.objects.count()
    response = client.post("/o/durand/organisation/", settings_data(
        durand, legal_name="Nom qui ne doit pas rester", siret="73282932000075"))
    assert response.status_code == 200
    assert "SIRET invalide : « 73282932000075 »." in response.text
    # The error sits on the SIRET field.
    assert re.search(r'<label for="id_siret">SIRET.*?<ul class="errorlist" id="id_siret_error"><li>SIRET invalide',
                     response.text, re.S)
    durand.refresh_from_db()
    assert (durand.legal_name, durand.siret) == ("Durand SARL", "73282932000074")
    assert AuditEvent.objects.count() == before


def test_org_settings_refuses_unreadable_share_capital(client, two_orgs):
    durand, _, _ = two_orgs
    login(client, "alice")
    response = client.post("/o/durand/organisation/", settings_data(durand, share_capital="12,345"))
    assert response.status_code == 200
    assert "Montant avec plus de 2 décimales : « 12,345 »." in response.text
    durand.refresh_from_db()
    assert durand.share_capital is None


def test_org_settings_grant_and_revoke_roles(client, two_orgs):
    durand, _, users = two_orgs
    make_user("denis")
    login(client, "alice")
    response = client.post("/o/durand/organisation/", {"action": "grant", "username": "denis", "role": "hr"})
    assert response.status_code == 302
    assert list(Membership.objects.filter(user__username="denis").values_list("organisation__slug", "role")) == [
        ("durand", "hr")]
    assert AuditEvent.objects.filter(action="membership.grant", organisation=durand).count() == 4  # 3 members + denis

    unknown = client.post("/o/durand/organisation/", {"action": "grant", "username": "personne", "role": "hr"})
    assert "Aucun utilisateur actif ne porte l&#x27;identifiant « personne »." in unknown.text

    denis = Membership.objects.get(user__username="denis").user
    response = client.post("/o/durand/organisation/", {"action": "revoke", "user": denis.pk, "role": "hr"})
    assert response.status_code == 302
    assert not Membership.objects.filter(user=denis).exists()
    assert AuditEvent.objects.filter(action="membership.revoke", organisation=durand).count() == 1

    # A role held in another organisation cannot be revoked from here.
    yves = users["yves"]
    response = client.post("/o/durand/organisation/", {"action": "revoke", "user": yves.pk, "role": "admin"})
    assert response.status_code == 404
    assert Membership.objects.filter(user=yves, role="admin").exists()


def test_org_settings_lists_members_with_roles(client, two_orgs):
    login(client, "alice")
    page = client.get("/o/durand/organisation/").text
    assert re.findall(r'<td class="code">([^<]+)</td>', page) == ["alice", "bruno", "chloe"]
    assert "yves" not in page


@pytest.mark.parametrize("username", ["bruno", "chloe"])
def test_non_admin_gets_403_on_settings_and_audit_log(client, two_orgs, username):
    durand, _, _ = two_orgs
    login(client, username)
    for url in ["/o/durand/organisation/", "/o/durand/journal-des-modifications/"]:
        response = client.get(url)
        assert response.status_code == 403, url
        assert "Accès refusé" in response.text
        assert "Vous n&#x27;avez pas les droits nécessaires pour cette action." in response.text
    response = client.post("/o/durand/organisation/", settings_data(durand, legal_name="Pas admin"))
    assert response.status_code == 403
    durand.refresh_from_db()
    assert durand.legal_name == "Durand SARL"


# ---- Audit log -------------------------------------------------------------------------------------------------

def test_audit_log_filters_and_paginates_the_organisations_events_only(client, two_orgs):
    durand, quartier, users = two_orgs
    for i in range(55):
        organisation_update(actor=users["alice"], organisation=durand, data={"city": f"Ville {i}"})
    organisation_update(actor=users["yves"], organisation=quartier, data={"city": "Secret"})
    login(client, "alice")

    page1 = client.get("/o/durand/journal-des-modifications/", {"action": "organisation.update"})
    assert page1.status_code == 200
    assert page1.text.count("<td>Modification de l&#x27;organisation</td>") == 50
    assert "Page 1 / 2" in page1.text and "55 lignes" in page1.text
    assert 'href="?action=organisation.update&amp;page=2"' in page1.text
    assert "Secret" not in page1.text

    page2 = client.get("/o/durand/journal-des-modifications/", {"action": "organisation.update", "page": 2})
    assert page2.text.count("<td>Modification de l&#x27;organisation</td>") == 5

    grants = client.get("/o/durand/journal-des-modifications/", {"action": "membership.grant"})
    assert grants.text.count("<td>Attribution d&#x27;un rôle</td>") == 3
    assert "Page 1" not in grants.text  # one page only: no pagination bar

    by_actor = client.get("/o/durand/journal-des-modifications/", {"actor": users["bruno"].pk})
    assert "Aucune modification ne correspond à ces critères." in by_actor.text

    today = timezone.localdate()
    until_today = client.get("/o/durand/journal-des-modifications/", {"end": today.isoformat()})
    assert "59 lignes" in until_today.text  # creation + 3 grants + 55 updates
    from_tomorrow = client.get("/o/durand/journal-des-modifications/",
                               {"start": (today + timedelta(days=1)).isoformat()})
    assert "Aucune modification ne correspond à ces critères." in from_tomorrow.text


def test_audit_log_query_count_is_constant(client, two_orgs, django_assert_max_num_queries):
    durand, _, users = two_orgs
    for i in range(30):
        organisation_update(actor=users["alice"], organisation=durand, data={"city": f"Ville {i}"})
    login(client, "alice")
    with django_assert_max_num_queries(14):
        response = client.get("/o/durand/journal-des-modifications/")
    assert response.status_code == 200


@pytest.mark.urls("agora.web.tests.urls")
def test_core_permission_denied_from_any_view_becomes_the_french_403(client, two_orgs, settings):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "agora.web.middleware.PermissionDeniedMiddleware"]
    login(client, "chloe")
    response = client.get("/o/durand/test-permission/")
    assert response.status_code == 403
    assert "Accès refusé" in response.text
    client.logout()
    login(client, "bruno")
    assert client.get("/o/durand/test-permission/").text == "clôture"


def test_logo_upload_checks_the_image_and_serves_it_to_members(client):
    """A PNG is stored and printed; anything else is refused with a French message and nothing stored."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from agora.core.models import Organisation
    from agora.core.tests.builders import grant, make_organisation, make_user

    organisation = make_organisation(slug="logo-sarl")
    admin = grant(make_user("admin-logo"), organisation, "admin")
    client.force_login(admin)
    url = f"/o/{organisation.slug}/organisation/"
    fake = SimpleUploadedFile("logo.png", b"not an image", content_type="image/png")
    response = client.post(url, {"action": "logo", "logo": fake}, follow=True)
    assert "PNG ou JPEG" in response.content.decode()
    assert not Organisation.objects.get(pk=organisation.pk).logo
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    client.post(url, {"action": "logo", "logo": SimpleUploadedFile("l.png", png, content_type="image/png")})
    assert Organisation.objects.get(pk=organisation.pk).logo.name.endswith(".png")
    served = client.get(f"/o/{organisation.slug}/organisation/logo/")
    assert served.status_code == 200 and b"".join(served.streaming_content) == png
