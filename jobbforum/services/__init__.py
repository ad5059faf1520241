"""Operations on the domain. They know nothing of HTTP: no request, no session, no templates.

Services flush; the caller (a view or a CLI command) commits.
"""
