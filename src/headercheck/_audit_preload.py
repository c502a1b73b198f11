"""Imported once by the audit's forkserver (``set_forkserver_preload``): every worker it forks
starts with the check pipeline imported and the Public Suffix List loaded."""

from headercheck._warm import preload

preload()
