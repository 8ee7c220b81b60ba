"""Backend implementations. Import them through :mod:`judges.registry`, which defers each one's SDK import."""
