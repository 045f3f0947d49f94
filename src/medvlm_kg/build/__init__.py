"""The build, the orchestrator: plans the units of work (``units``), writes the staged output folder under a lock
(``output``, ``lock``), and runs the core and profile checks (``build``, ``profile_check``)."""

__all__ = ["build", "lock", "output", "profile_check", "units"]
