"""Point the unmodified rapidata SDK (3.27.1) at one local base URL.

The SDK derives its two origins from the environment name:
`https://api.<env>` (API calls, built from the generated client's configured
host) and `https://auth.<env>` (the OAuth2 token endpoint, and the
best-effort `GET /connect/userinfo` at start-up). Our sandbox serves both on
one plain-HTTP loopback address, so this module applies a two-part runtime
patch, before any RapidataClient is created, to the SDK's REST layer
(`rapidata.api_client.rest.RESTClientObject`), through which every one of
these requests passes. No SDK file is edited:

1. `setup_oauth_client_credentials` / `setup_oauth_with_token`: the
   `token_endpoint` they are given is rewritten before the OAuth2 session
   (authlib) is built, so the first token fetch and every later refresh go to
   `<base>/connect/token`.
2. `request`: the URL of each API call is rewritten (same rule), which
   covers the configured API host and the absolute userinfo URL.

Rule: a URL starting with `https://api.<env>` or `https://auth.<env>` gets
that prefix replaced by `<base>`; anything else is left alone (and is then
refused by the loopback guard if it is not local).
"""

from __future__ import annotations

import functools


def install(base_url: str, environment: str) -> None:
    from rapidata.api_client import rest  # the SDK's REST layer

    base = base_url.rstrip("/")
    prefixes = (f"https://api.{environment}", f"https://auth.{environment}")

    def to_local(url: str) -> str:
        for prefix in prefixes:
            if url == prefix or url.startswith(prefix + "/") or url.startswith(prefix + "?"):
                return base + url[len(prefix):]
        return url

    cls = rest.RESTClientObject
    if getattr(cls, "_conformance_patched", False):
        return

    def wrap_setup(original):
        @functools.wraps(original)
        def setup(self, *args, token_endpoint: str, **kwargs):
            return original(self, *args, token_endpoint=to_local(token_endpoint), **kwargs)

        return setup

    original_request = cls.request

    @functools.wraps(original_request)
    def request(self, method, url, *args, **kwargs):
        return original_request(self, method, to_local(url), *args, **kwargs)

    cls.setup_oauth_client_credentials = wrap_setup(cls.setup_oauth_client_credentials)
    cls.setup_oauth_with_token = wrap_setup(cls.setup_oauth_with_token)
    cls.request = request
    cls._conformance_patched = True
