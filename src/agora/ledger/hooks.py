"""Rules the apps above add to the ledger without the ledger importing them (it sits below them).

- A posting guard is called with the organisation and the entries about to be posted (`EntryInput` values,
  lines already checked) and raises `BusinessError` to refuse them — the VAT return locks its period this way.
- A closing check is called with the fiscal year and returns blockers in plain French — the year-end
  checklist stops the closing this way until its points are met or overridden.

Apps register theirs in `AppConfig.ready()`; registration is idempotent (the same function twice counts once).
"""

from collections.abc import Callable

_posting_guards: list[Callable] = []
_closing_checks: list[Callable] = []
_closing_notes: list[Callable] = []


def register_posting_guard(guard: Callable) -> None:
    if guard not in _posting_guards:
        _posting_guards.append(guard)


def register_closing_check(check: Callable) -> None:
    if check not in _closing_checks:
        _closing_checks.append(check)


def register_closing_note(note: Callable) -> None:
    """A note shown by the closing wizard without blocking (a checklist point lifted by an accountant)."""
    if note not in _closing_notes:
        _closing_notes.append(note)


def posting_guards_run(organisation, entries: list) -> None:
    for guard in _posting_guards:
        guard(organisation, entries)


def closing_checks_run(fiscal_year) -> list[str]:
    return [blocker for check in _closing_checks for blocker in check(fiscal_year)]


def closing_notes_run(fiscal_year) -> list[str]:
    return [text for note in _closing_notes for text in note(fiscal_year)]
