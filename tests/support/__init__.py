"""Helpers shared by the tests: the NSD server, data paths."""
