"""The "Créer un utilisateur" form of the organisation settings page."""

import re

from agora.core.models import Membership, User


def test_admin_creates_a_user_and_sees_the_temporary_password_once(client, two_orgs):
    _, _, users = two_orgs
    client.force_login(users["alice"])
    page = client.get("/o/durand/organisation/").text
    assert "Créer un utilisateur" in page

    response = client.post("/o/durand/organisation/", {
        "action": "create_user", "new-username": "d.roux", "new-first_name": "Denis", "new-last_name": "Roux",
        "new-email": "denis@example.fr", "new-role": "hr"})
    assert response.status_code == 200  # rendered, not redirected: the password never enters the session
    password = re.search(r'id="mot-de-passe-provisoire">([^<]+)<', response.text).group(1)
    assert "communiquez-le à l'utilisateur, il le changera à sa première connexion." in response.text
    denis = User.objects.get(username="d.roux")
    assert denis.check_password(password)
    assert list(Membership.objects.filter(user=denis).values_list("organisation__slug", "role")) == [
        ("durand", "hr")]
    assert password not in client.get("/o/durand/organisation/").text

    taken = client.post("/o/durand/organisation/", {"action": "create_user", "new-username": "BRUNO",
                                                    "new-role": "sales"})
    assert "L&#x27;identifiant « BRUNO » est déjà pris." in taken.text
    assert not User.objects.filter(username="BRUNO").exists()
