"""Admitted judgments -> alignment profiles -> reports (built in the profiles issue)."""

__all__: list[str] = []
