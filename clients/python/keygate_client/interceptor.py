"""Adapts the signer to grpcio: a client interceptor that signs every call."""

from __future__ import annotations

import collections
import itertools
from typing import Any, Callable, Iterator, Sequence

import grpc

from .signer import EMPTY_SHA256, Signer, sha256_hex


class _CallDetails(
    collections.namedtuple(
        "_CallDetails", ("method", "timeout", "metadata", "credentials", "wait_for_ready", "compression")
    ),
    grpc.ClientCallDetails,
):
    pass


def _default_serializer(request: Any) -> bytes:
    if isinstance(request, (bytes, bytearray, memoryview)):
        return bytes(request)  # the channel was made without a serializer: these are the wire bytes
    serialize = getattr(request, "SerializeToString", None)
    if serialize is None:
        raise TypeError("pass request_serializer= to SigningInterceptor: cannot serialize " + type(request).__name__)
    return serialize()


class SigningInterceptor(
    grpc.UnaryUnaryClientInterceptor,
    grpc.UnaryStreamClientInterceptor,
    grpc.StreamUnaryClientInterceptor,
    grpc.StreamStreamClientInterceptor,
):
    """Signs each call made through a channel (docs/signature-spec.md).

    grpcio does not tell an interceptor the ``:authority`` it will send, nor the request
    serializer: give the authority here and make the channel send exactly it (channel option
    ``grpc.default_authority``, or use :func:`secure_channel`). The digest is over
    ``request_serializer(request)``; the default takes bytes as they are (a channel method made
    without a serializer) and protobuf messages' ``SerializeToString()``. The channel serializes
    the message again, so the serializer must give the same bytes twice (protobuf does within a
    process).

    For streaming requests the first message is taken from the request iterator before the call
    starts (the headers carry its digest), so the calling thread waits until the iterator yields
    it or ends.

    Do not enable grpc retries (channel option ``grpc.enable_retries``, a retry policy): they
    resend the same signed metadata, and the gateway refuses a nonce it has already accepted.
    """

    def __init__(self, signer: Signer, authority: str,
                 request_serializer: Callable[[Any], bytes] | None = None) -> None:
        if not authority:
            raise ValueError("authority is required: the :authority every call is sent and signed with")
        self._signer = signer
        self._authority = authority
        self._serialize = request_serializer or _default_serializer

    def _signed(self, details: grpc.ClientCallDetails, content_sha256_hex: str) -> _CallDetails:
        method = details.method.decode("ascii") if isinstance(details.method, bytes) else details.method
        signature = self._signer.sign_digest(method, self._authority, content_sha256_hex)
        ours = {name for name, _ in signature.headers}
        # Any copy of our headers already there would make the gateway refuse the call as repeated.
        metadata = [(k, v) for k, v in (details.metadata or ()) if k.lower() not in ours]
        metadata.extend(signature.headers)
        return _CallDetails(
            details.method,
            details.timeout,
            metadata,
            details.credentials,
            getattr(details, "wait_for_ready", None),
            getattr(details, "compression", None),
        )

    def _first(self, request_iterator: Iterator[Any]) -> tuple[str, Iterator[Any]]:
        it = iter(request_iterator)
        for first in it:
            return sha256_hex(self._serialize(first)), itertools.chain((first,), it)
        return EMPTY_SHA256, iter(())

    def intercept_unary_unary(self, continuation, client_call_details, request):
        return continuation(self._signed(client_call_details, sha256_hex(self._serialize(request))), request)

    def intercept_unary_stream(self, continuation, client_call_details, request):
        return continuation(self._signed(client_call_details, sha256_hex(self._serialize(request))), request)

    def intercept_stream_unary(self, continuation, client_call_details, request_iterator):
        digest, requests = self._first(request_iterator)
        return continuation(self._signed(client_call_details, digest), requests)

    def intercept_stream_stream(self, continuation, client_call_details, request_iterator):
        digest, requests = self._first(request_iterator)
        return continuation(self._signed(client_call_details, digest), requests)


def secure_channel(
    target: str,
    credentials: grpc.ChannelCredentials,
    signer: Signer,
    authority: str,
    *,
    request_serializer: Callable[[Any], bytes] | None = None,
    options: Sequence[tuple[str, Any]] = (),
) -> grpc.Channel:
    """A TLS channel to ``target`` whose calls carry ``authority`` (sent and signed) and are signed
    by ``signer``. Retries are off: a retried call would reuse an accepted nonce."""
    channel = grpc.secure_channel(
        target,
        credentials,
        options=[*options, ("grpc.default_authority", authority), ("grpc.enable_retries", 0)],
    )
    return grpc.intercept_channel(channel, SigningInterceptor(signer, authority, request_serializer))
