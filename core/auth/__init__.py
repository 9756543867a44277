"""Accounts: password hashing, API tokens and user management."""
