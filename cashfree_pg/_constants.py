"""Every default, limit and header name of the SDK, defined once."""

from __future__ import annotations

from cashfree_pg._version import __version__

SANDBOX_URL = "https://sandbox.cashfree.com/pg"
PRODUCTION_URL = "https://api.cashfree.com/pg"
#: The seed document's version; a call's ``x_api_version`` or ``Cashfree.XApiVersion`` replaces it.
DEFAULT_API_VERSION = "2022-09-01"

USER_AGENT = f"cashfree-pg-python/{__version__}"

# Timing, in seconds.
DEFAULT_CONNECT_TIMEOUT = 5.0
DEFAULT_READ_TIMEOUT = 20.0
#: Bounds a whole call: every attempt, every read and every wait between attempts.
DEFAULT_CALL_TIMEOUT = 60.0
#: Above this, socket timeouts overflow the C types beneath them; nobody needs a longer call.
MAX_SECONDS = 86_400.0

DEFAULT_MAX_RETRIES = 2
DEFAULT_BACKOFF_INITIAL = 0.5
DEFAULT_BACKOFF_MAX = 8.0
DEFAULT_JITTER = 0.25
#: The service asks for at most 59 s (``x-ratelimit-retry``); a longer wait fails the call at once.
DEFAULT_RETRY_AFTER_MAX = 60.0
#: Statuses that mean "try again": the request was not acted on, or is safe to repeat.
RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})

# Memory.
DEFAULT_MAX_RESPONSE_BYTES = 32 * 1024 * 1024
#: How much of an error body an exception keeps as ``body`` and shows in ``str()``.
ERROR_BODY_EXCERPT = 64 * 1024
ERROR_TEXT_EXCERPT = 2_000
#: Interim (1xx) answers tolerated before the real one; more is a broken or hostile peer.
MAX_INTERIM_RESPONSES = 16

# Connections.
DEFAULT_POOL_MAXSIZE = 10
MAX_POOL_MAXSIZE = 1_000

# Request headers.
H_CLIENT_ID = "x-client-id"
H_CLIENT_SECRET = "x-client-secret"
H_PARTNER_KEY = "x-partner-apikey"
H_PARTNER_MERCHANT = "x-partner-merchantid"
H_CLIENT_SIGNATURE = "x-client-signature"
H_API_VERSION = "x-api-version"
H_REQUEST_ID = "x-request-id"
H_IDEMPOTENCY_KEY = "x-idempotency-key"

# Response headers.
H_IDEMPOTENCY_REPLAYED = "x-idempotency-replayed"
H_RATELIMIT_LIMIT = "x-ratelimit-limit"
H_RATELIMIT_REMAINING = "x-ratelimit-remaining"
H_RATELIMIT_RETRY = "x-ratelimit-retry"
H_RATELIMIT_TYPE = "x-ratelimit-type"
H_RETRY_AFTER = "retry-after"

#: Headers that carry identity, version or idempotency: set only through parameters and settings.
MANAGED_HEADERS = frozenset(
    {
        H_CLIENT_ID,
        H_CLIENT_SECRET,
        H_PARTNER_KEY,
        H_PARTNER_MERCHANT,
        H_CLIENT_SIGNATURE,
        H_API_VERSION,
        H_REQUEST_ID,
        H_IDEMPOTENCY_KEY,
    }
)
#: Headers that frame the message or the connection: only the HTTP layer may set them.
FRAMING_HEADERS = frozenset(
    {
        "host",
        "content-length",
        "transfer-encoding",
        "connection",
        "keep-alive",
        "te",
        "trailer",
        "upgrade",
        "expect",
        "proxy-authorization",
        "proxy-connection",
        "accept-encoding",
    }
)
