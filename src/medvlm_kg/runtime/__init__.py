"""Run-time helpers every stage may use: worker processes, progress on a terminal, the input digests
(what a build is made from) and the user's cache folder. Below the catalog; imports nothing of the pipeline."""

__all__ = ["inputs", "progress", "user_cache", "workers"]
