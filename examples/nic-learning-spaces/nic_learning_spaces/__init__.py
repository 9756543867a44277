"""Recurring learning spaces for NIC Platform: an example of an outside plugin."""

__version__ = "0.1.0"
