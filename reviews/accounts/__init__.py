"""Accounts: sign-in (throttled, on the login page and the API), sign-up, password change and
reset, named API tokens, and the user's language."""
