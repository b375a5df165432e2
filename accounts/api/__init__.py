"""The JSON API's shared plumbing (every app's endpoints use it) and the accounts endpoints.

authentication: who calls, and in which organisation · permissions: the role and key rules ·
pagination, throttling, parsers, errors, schema: the conventions of docs/api.md in one place each.
"""
