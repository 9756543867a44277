"""Plugins used by the test suite."""
