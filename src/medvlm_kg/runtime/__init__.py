"""Run-time helpers every stage may use: worker processes, progress on a terminal, and the input digests
(what a build is made from). Below the catalog; imports nothing of the pipeline."""

__all__ = ["inputs", "progress", "workers"]
