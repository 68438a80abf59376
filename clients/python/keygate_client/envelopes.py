"""Signature version 2 (docs/signature-spec.md, section 13): every request message after the first
is sent as kind (1 byte) || mac (32 bytes) || payload, the MAC chained to the call's signature and
the message's place; an end marker (kind 2, no payload) closes the stream.

No gRPC here. Standard library only.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import struct

MESSAGE = 0x01
"""The kind of an envelope that carries a message."""
END = 0x02
"""The kind of the end marker."""
LABEL = b"keygate-msg-v2\n"
"""The first 15 bytes of every MAC input."""
MAC_LENGTH = 32
ENVELOPE_OVERHEAD = 1 + MAC_LENGTH
"""kind + MAC: the bytes an envelope adds in front of its payload."""


def mac_input(call_signature: bytes, kind: int, n: int, payload: bytes) -> bytes:
    """The 88 bytes the MAC of section 13.3 is computed over."""
    return LABEL + call_signature + bytes([kind]) + struct.pack(">Q", n) + hashlib.sha256(payload).digest()


class Envelopes:
    """The envelopes of one version-2 call, in the order they are sent. Not thread-safe: the place
    counts up with every envelope made, so make them in sending order. Get one from
    :meth:`keygate_client.Signer.envelopes`."""

    def __init__(self, secret: bytes, signature_base64: str) -> None:
        try:
            call_signature = base64.b64decode(signature_base64, validate=True)
        except (binascii.Error, ValueError):
            call_signature = b""
        if len(call_signature) != MAC_LENGTH or base64.b64encode(call_signature).decode("ascii") != signature_base64:
            raise ValueError("the call signature must be the canonical base64 of 32 bytes")
        self.__secret = secret
        self._call_signature = call_signature
        self._n = 0
        self._ended = False

    def _envelope(self, kind: int, payload: bytes) -> bytes:
        if self._ended:
            raise ValueError("the end marker was sent: a version-2 call sends nothing after it")
        self._n += 1
        mac = hmac.new(self.__secret, mac_input(self._call_signature, kind, self._n, payload), hashlib.sha256).digest()
        return bytes([kind]) + mac + payload

    def seal(self, payload: bytes) -> bytes:
        """The envelope of the next message, whose serialized bytes are ``payload``."""
        return self._envelope(MESSAGE, bytes(payload))

    def end(self) -> bytes:
        """The end marker, at the next place; nothing may be sealed after it."""
        marker = self._envelope(END, b"")
        self._ended = True
        return marker

    def __repr__(self) -> str:
        return f"Envelopes(sent={self._n}, ended={self._ended})"

    def __reduce__(self):
        raise TypeError("Envelopes hold a secret and cannot be pickled")
