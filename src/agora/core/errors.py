"""The one exception services raise for a broken business rule.

Views turn it into a form error, the API into HTTP 422, the CLI into a message and exit code 2; the French
message is shown as is, `field` names the input at fault.
"""


class BusinessError(Exception):
    def __init__(self, code: str, message: str, *, field: str | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field

    def as_dict(self) -> dict:
        return {"code": self.code, "message": self.message, "field": self.field}


class PermissionDenied(BusinessError):
    def __init__(self, message: str = "Vous n'avez pas les droits nécessaires pour cette action."):
        super().__init__("permission_denied", message)
