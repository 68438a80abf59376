"""X-Ca HmacSHA256 signatures for gRPC calls, byte for byte as docs/signature-spec.md says.

No gRPC here: keygate_client.interceptor only adapts this to grpcio. Standard library only.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
import secrets
import time
from dataclasses import dataclass
from typing import Callable, Mapping

from .envelopes import Envelopes

KEY = "x-ca-key"
TIMESTAMP = "x-ca-timestamp"
NONCE = "x-ca-nonce"
CONTENT_SHA256 = "x-ca-content-sha256"
SIGNATURE_METHOD = "x-ca-signature-method"
SIGNATURE_HEADERS = "x-ca-signature-headers"
SIGNATURE = "x-ca-signature"
SIGNATURE_VERSION = "x-ca-signature-version"
"""Signed with the value ``2`` on a version-2 call (spec section 13); absent on version 1."""
ERROR_CODE = "x-keygate-error-code"
REQUEST_ID = "x-keygate-request-id"
"""The trailer in which the gateway returns its stable failure code."""

HMAC_SHA256 = "HmacSHA256"
ALWAYS_SIGNED = frozenset({CONTENT_SHA256, KEY, NONCE, TIMESTAMP})
RESERVED = frozenset({KEY, TIMESTAMP, NONCE, CONTENT_SHA256, SIGNATURE, SIGNATURE_METHOD, SIGNATURE_HEADERS,
                      SIGNATURE_VERSION})
MAX_SIGNED_HEADERS = 16
MAX_VALUE_LENGTH = 512
MIN_SECRET_LENGTH = 32
"""The gateway's HSM refuses HMAC keys shorter than this."""

EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
"""The digest of a call that half-closes without sending a message."""

_PATH = re.compile(r"/[\x21-\x7E]{1,511}")
_AUTHORITY = re.compile(r"[\x21-\x7E]{1,512}")
_TIMESTAMP = re.compile(r"[1-9][0-9]{0,15}")
_NONCE = re.compile(r"[A-Za-z0-9_-]{16,64}")
_SHA256_HEX = re.compile(r"[0-9a-f]{64}")
_EXTRA_NAME = re.compile(r"x-ca-[a-z0-9-]{1,59}")
_PRINTABLE = re.compile(r"[\x20-\x7E]*")
_STANDARD_BASE64 = re.compile(r"(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?")


class SigningError(ValueError):
    """The inputs break the spec's rules; the message never quotes a secret."""


def _require(ok: bool, message: str) -> None:
    if not ok:
        raise SigningError(message)


def is_valid_value(value: object) -> bool:
    """1 to 512 printable ASCII characters, no leading or trailing space (spec section 2)."""
    return (
        isinstance(value, str)
        and 1 <= len(value) <= MAX_VALUE_LENGTH
        and _PRINTABLE.fullmatch(value) is not None
        and value[0] != " "
        and value[-1] != " "
    )


def is_signable_extra_name(name: str) -> bool:
    """Whether ``name`` may be signed as an extra header (``x-ca-stage``, ...)."""
    # "-bin" names are binary metadata in gRPC: their values are not ASCII and cannot be signed.
    return _EXTRA_NAME.fullmatch(name) is not None and not name.endswith("-bin") and name not in RESERVED


def sha256_hex(data: bytes) -> str:
    """Lower-case hex SHA-256 of a message's serialized bytes (without the 5-byte gRPC prefix)."""
    return hashlib.sha256(data).hexdigest()


def string_to_sign(path: str, authority: str, content_sha256_hex: str, signed_headers: Mapping[str, str]) -> str:
    """The string-to-sign (spec section 4): POST, the lower-cased authority, the digest, one
    ``name:value`` line per signed header sorted by name in byte order, the path; LF between
    lines, none at the end."""
    _require(isinstance(path, str) and _PATH.fullmatch(path) is not None,
             "path must be /package.Service/Method in printable ASCII")
    _require(isinstance(authority, str) and _AUTHORITY.fullmatch(authority) is not None,
             "authority must be 1-512 printable ASCII characters without spaces")
    _require(_SHA256_HEX.fullmatch(content_sha256_hex) is not None, "content digest must be 64 lower-case hex digits")
    _require(ALWAYS_SIGNED <= signed_headers.keys(), "signed headers must include " + ", ".join(sorted(ALWAYS_SIGNED)))
    _require(len(signed_headers) <= MAX_SIGNED_HEADERS, f"at most {MAX_SIGNED_HEADERS} headers can be signed")
    _require(signed_headers[CONTENT_SHA256] == content_sha256_hex, f"{CONTENT_SHA256} must carry the content digest")
    for name, value in signed_headers.items():
        _require(name in ALWAYS_SIGNED or is_signable_extra_name(name) or (name == SIGNATURE_VERSION and value == "2"),
                 f"cannot sign header {name}")
        _require(is_valid_value(value), f"value of {name} must be 1-512 printable ASCII characters, no surrounding spaces")
    # The authority is printable ASCII (checked above), so this lower-cases A-Z and nothing else;
    # the names are ASCII, so sorted() is byte order.
    lines = ["POST", authority.lower(), content_sha256_hex]
    lines += [f"{name}:{signed_headers[name]}" for name in sorted(signed_headers)]
    lines.append(path)
    return "\n".join(lines)


def decode_secret(secret: str | bytes) -> bytes:
    """The AccessSecret's bytes, from standard base64 as handed out (a file's trailing newline is
    allowed) or from bytes."""
    if isinstance(secret, str):
        text = secret.strip()
        # The message must not quote the input.
        _require(_STANDARD_BASE64.fullmatch(text) is not None, "AccessSecret is not valid standard base64")
        try:
            raw = base64.b64decode(text, validate=True)
        except binascii.Error:
            raise SigningError("AccessSecret is not valid standard base64") from None
    elif isinstance(secret, (bytes, bytearray, memoryview)):
        raw = bytes(secret)
    else:
        raise TypeError("AccessSecret must be a base64 string or bytes")
    _require(len(raw) >= MIN_SECRET_LENGTH, f"an AccessSecret has at least {MIN_SECRET_LENGTH} bytes")
    return raw


def _default_nonce() -> str:
    # 16 bytes (128 bits) from the OS CSPRNG: 22 characters of unpadded base64url.
    return base64.urlsafe_b64encode(secrets.token_bytes(16)).rstrip(b"=").decode("ascii")


def _default_clock() -> int:
    return time.time_ns() // 1_000_000


def _timestamp_string(t: int | str) -> str:
    if isinstance(t, int) and not isinstance(t, bool):
        t = str(t)
    _require(isinstance(t, str) and _TIMESTAMP.fullmatch(t) is not None,
             "timestamp must be 1-16 digits of milliseconds since the epoch, no leading zero")
    return t


@dataclass(frozen=True)
class Signature:
    """The metadata that authenticates one call, and the string-to-sign it was made from (to debug
    an InvalidSignature: the gateway never returns its own)."""

    headers: tuple[tuple[str, str], ...]
    """(name, value) pairs in the order to send."""
    string_to_sign: str
    signature_version: int = 1
    """2: the messages after the first go in envelopes (:meth:`Signer.envelopes`)."""

    @property
    def signature_base64(self) -> str:
        return dict(self.headers)[SIGNATURE]


class Signer:
    """Signs calls for one AccessKey. Thread-safe. Time and randomness are injectable so tests can
    fix them; :meth:`sign_at` is fully deterministic. It never prints its secret."""

    def __init__(
        self,
        access_key: str,
        secret: str | bytes,
        *,
        clock: Callable[[], int] = _default_clock,
        nonce: Callable[[], str] = _default_nonce,
        extra_signed_headers: Mapping[str, str] | None = None,
        sign_every_message: bool = False,
    ) -> None:
        """
        :param access_key: the AccessKey
        :param secret: the AccessSecret, standard base64 as the security officer handed it out, or its bytes
        :param clock: milliseconds since the epoch; default the system clock
        :param nonce: a fresh ``[A-Za-z0-9_-]{16,64}`` per call; default 16 random bytes as unpadded base64url
        :param extra_signed_headers: extra ``x-ca-*`` headers sent and signed on every call (e.g.
            ``x-ca-stage``); the gateway acts only on signed ones
        :param sign_every_message: signature version 2 (spec section 13): sign
            ``x-ca-signature-version: 2`` and seal every request message after the first with
            :meth:`envelopes`; only for a gateway of spec revision 2.0 or later
        """
        _require(is_valid_value(access_key), "AccessKey must be 1-512 printable ASCII characters")
        extras = dict(extra_signed_headers or {})
        for name, value in extras.items():
            _require(is_signable_extra_name(name),
                     f"extra signed headers are named x-ca-[a-z0-9-]+, not -bin, not a reserved x-ca name: {name}")
            _require(is_valid_value(value), f"value of {name} must be 1-512 printable ASCII characters, no surrounding spaces")
        _require(isinstance(sign_every_message, bool), "sign_every_message is True or False")
        self._version = 2 if sign_every_message else 1
        # The version header, when signed, takes one of the 16 places (spec section 2).
        max_extra = MAX_SIGNED_HEADERS - len(ALWAYS_SIGNED) - (self._version - 1)
        _require(len(extras) <= max_extra, f"at most {max_extra} extra headers can be signed")
        self._access_key = access_key
        self.__secret = decode_secret(secret)
        self._clock = clock
        self._nonce = nonce
        self._extras = extras

    @property
    def access_key(self) -> str:
        return self._access_key

    @property
    def signature_version(self) -> int:
        """The version calls are signed with unless a call says ``signature_version=1`` (a version-2
        signer can sign a call with version 1, not the reverse)."""
        return self._version

    def sign(self, path: str, authority: str, body: bytes = b"", *, signature_version: int | None = None) -> Signature:
        """Signs a call whose first request message serializes to ``body``, now, with a fresh nonce."""
        return self.sign_digest(path, authority, sha256_hex(body), signature_version=signature_version)

    def sign_digest(self, path: str, authority: str, content_sha256_hex: str, *,
                    signature_version: int | None = None) -> Signature:
        """The same, given the first message's lower-case hex SHA-256."""
        return self.sign_at(path, authority, content_sha256_hex, self._clock(), self._nonce(),
                            signature_version=signature_version)

    def sign_at(self, path: str, authority: str, content_sha256_hex: str, timestamp_ms: int | str,
                nonce: str, *, signature_version: int | None = None) -> Signature:
        """Signs with a given time and nonce. Only for tests and vectors: a real call needs a fresh nonce."""
        version = self._version if signature_version is None else signature_version
        _require(version == 1 or (version == 2 and self._version == 2),
                 "a call is signed with version 1, or version 2 by a signer made with sign_every_message=True")
        timestamp = _timestamp_string(timestamp_ms)
        _require(isinstance(nonce, str) and _NONCE.fullmatch(nonce) is not None,
                 "nonce must be 16-64 characters of A-Z a-z 0-9 - _")
        signed = dict(self._extras)
        if version == 2:
            signed[SIGNATURE_VERSION] = "2"
        signed.update({KEY: self._access_key, TIMESTAMP: timestamp, NONCE: nonce, CONTENT_SHA256: content_sha256_hex})
        sts = string_to_sign(path, authority, content_sha256_hex, signed)
        signature_headers = ",".join(sorted(signed))
        # The list is a header value too (spec section 2): long extra names can push it past 512.
        _require(is_valid_value(signature_headers),
                 f"{SIGNATURE_HEADERS} would be longer than {MAX_VALUE_LENGTH} characters: sign fewer or shorter names")
        mac = hmac.new(self.__secret, sts.encode("utf-8"), hashlib.sha256).digest()
        headers = [(KEY, self._access_key), (TIMESTAMP, timestamp), (NONCE, nonce), (CONTENT_SHA256, content_sha256_hex)]
        headers += [(name, self._extras[name]) for name in sorted(self._extras)]
        if version == 2:
            headers.append((SIGNATURE_VERSION, "2"))
        headers += [
            (SIGNATURE_METHOD, HMAC_SHA256),
            (SIGNATURE_HEADERS, signature_headers),
            (SIGNATURE, base64.b64encode(mac).decode("ascii")),
        ]
        return Signature(tuple(headers), sts, version)

    def envelopes(self, signature: Signature) -> Envelopes:
        """The envelopes of a version-2 call's later messages and its end marker, in sending order."""
        _require(signature.signature_version == 2,
                 "envelopes are for a version-2 call: make the signer with sign_every_message=True")
        return Envelopes(self.__secret, signature.signature_base64)

    def __repr__(self) -> str:
        return (f"Signer(access_key={self._access_key!r}, extra_signed_headers={sorted(self._extras)}, "
                f"signature_version={self._version})")

    def __reduce__(self):
        raise TypeError("a Signer holds a secret and cannot be pickled")
