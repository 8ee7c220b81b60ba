"""Judge labels + human codes -> agreement, admission, drift (built in the calibration issue)."""

__all__: list[str] = []
