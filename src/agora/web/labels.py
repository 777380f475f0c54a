"""French labels of audit actions, shared by the audit log filters and the history snippet."""

ACTION_LABELS = {
    "organisation.create": "Création de l'organisation",
    "organisation.update": "Modification de l'organisation",
    "membership.grant": "Attribution d'un rôle",
    "user.create": "Création d'un utilisateur",
    "membership.revoke": "Retrait d'un rôle",
    "api_token.create": "Création d'un jeton d'API",
    "api_token.revoke": "Révocation d'un jeton d'API",
}
_VERBS = {"create": "création", "update": "modification", "delete": "suppression", "post": "validation",
          "reverse": "extourne", "close": "clôture", "lock": "verrouillage", "save": "enregistrement"}


def action_label(action: str) -> str:
    """A French label; unknown actions of other modules keep their code with the verb translated."""
    if action in ACTION_LABELS:
        return ACTION_LABELS[action]
    _, _, verb = action.rpartition(".")
    return f"{action} ({_VERBS[verb]})" if verb in _VERBS else action
