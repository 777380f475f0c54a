"""The OpenAPI document stays truthful: ninja names each component schema by its class name and silently
keeps one of two classes with the same name, so every API schema class name must be unique."""

from collections import Counter

from ninja import Schema

from agora.config.api import api


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_api_schema_class_names_are_unique():
    api.get_openapi_schema()  # imports every router
    names = Counter(cls.__name__ for cls in _subclasses(Schema) if cls.__module__.startswith("agora."))
    assert [name for name, count in names.items() if count > 1] == []


def test_every_operation_documents_its_errors():
    for path, operations in api.get_openapi_schema()["paths"].items():
        if "{org}" not in path:
            continue
        for method, operation in operations.items():
            assert "404" in {str(code) for code in operation["responses"]}, (method, path)
