"""Adapts the signer to grpcio: a client interceptor that signs every call."""

from __future__ import annotations

import collections
import itertools
from typing import Any, Callable, Iterator, Sequence

import grpc

from .signer import EMPTY_SHA256, Signature, Signer, sha256_hex


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

    Signature version 2 (a signer made with ``sign_every_message=True``; spec section 13) applies
    to calls whose requests stream (stream-unary, stream-stream): each message is serialized once
    here, the first is hashed and sent as those bytes, every later one in its envelope, then the
    end marker (unless the call sent no message). The channel must therefore send the bytes it
    is given unchanged: its stream multi-callables must be made without a request serializer.
    :func:`intercept_channel` and :func:`secure_channel` arrange that, so generated stubs work;
    on a channel of your own, make them with ``request_serializer=None`` and give the real one
    here. Unary-request calls stay version 1: their one message is the whole request, which
    version 1 signs, and grpcio's unary calls send exactly one message (no end marker).
    """

    def __init__(self, signer: Signer, authority: str,
                 request_serializer: Callable[[Any], bytes] | None = None) -> None:
        if not authority:
            raise ValueError("authority is required: the :authority every call is sent and signed with")
        self._signer = signer
        self._authority = authority
        self._serialize = request_serializer or _default_serializer
        # Version 2: the request serializer of each streaming method whose multi-callable
        # intercept_channel made without one, by path.
        self._serializers: dict[str, Callable[[Any], bytes]] = {}

    @property
    def signs_every_message(self) -> bool:
        return self._signer.signature_version == 2

    def use_serializer(self, method: str | bytes, serializer: Callable[[Any], bytes] | None) -> None:
        """Serialize the requests of ``method`` with ``serializer``: the multi-callable's own (for a
        stream multi-callable of a version-2 channel, the channel then sends the bytes made here
        unchanged)."""
        if serializer is not None:
            self._serializers[_path(method)] = serializer

    def _serializer(self, details: grpc.ClientCallDetails) -> Callable[[Any], bytes]:
        return self._serializers.get(_path(details.method), self._serialize)

    def _signed(self, details: grpc.ClientCallDetails, content_sha256_hex: str,
                version: int = 1) -> tuple[_CallDetails, Signature]:
        method = _path(details.method)
        signature = self._signer.sign_digest(method, self._authority, content_sha256_hex, signature_version=version)
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
        ), signature

    def _first(self, request_iterator: Iterator[Any]) -> tuple[str, Iterator[Any]]:
        it = iter(request_iterator)
        for first in it:
            return sha256_hex(self._serialize(first)), itertools.chain((first,), it)
        return EMPTY_SHA256, iter(())

    def _streaming(self, details: grpc.ClientCallDetails, request_iterator: Iterator[Any]):
        """Signs a call whose requests stream: the call details and the requests to send."""
        if not self.signs_every_message:
            digest, requests = self._first(request_iterator)
            return self._signed(details, digest)[0], requests
        serialize = self._serializer(details)
        it = iter(request_iterator)
        for first in it:
            first_bytes = serialize(first)
            signed, signature = self._signed(details, sha256_hex(first_bytes), version=2)
            return signed, _chained(first_bytes, it, serialize, self._signer.envelopes(signature))
        # No message: nothing to chain, no end marker (spec 13.2).
        return self._signed(details, EMPTY_SHA256, version=2)[0], iter(())

    def intercept_unary_unary(self, continuation, client_call_details, request):
        digest = sha256_hex(self._serializer(client_call_details)(request))
        return continuation(self._signed(client_call_details, digest)[0], request)

    def intercept_unary_stream(self, continuation, client_call_details, request):
        digest = sha256_hex(self._serializer(client_call_details)(request))
        return continuation(self._signed(client_call_details, digest)[0], request)

    def intercept_stream_unary(self, continuation, client_call_details, request_iterator):
        return continuation(*self._streaming(client_call_details, request_iterator))

    def intercept_stream_stream(self, continuation, client_call_details, request_iterator):
        return continuation(*self._streaming(client_call_details, request_iterator))


def _path(method: str | bytes) -> str:
    return method.decode("ascii") if isinstance(method, bytes) else method


def _chained(first: bytes, rest: Iterator[Any], serialize: Callable[[Any], bytes], envelopes) -> Iterator[bytes]:
    """Version 2 on the wire: the first message bare, the rest in envelopes, then the end marker."""
    yield first
    for message in rest:
        yield envelopes.seal(serialize(message))
    yield envelopes.end()


class _EnvelopingChannel(grpc.Channel):
    """A signing channel for version 2: its stream multi-callables send the bytes the interceptor
    made (no request serializer below it) and hand the application's serializer to the
    interceptor. Unary-request ones are the intercepted channel's own."""

    def __init__(self, channel: grpc.Channel, interceptor: SigningInterceptor) -> None:
        self._channel = channel
        self._interceptor = interceptor

    def subscribe(self, callback, try_to_connect=False):
        self._channel.subscribe(callback, try_to_connect)

    def unsubscribe(self, callback):
        self._channel.unsubscribe(callback)

    # Unary-request calls stay version 1 and serialize below as usual; the interceptor hashes
    # the request with the same serializer.
    def unary_unary(self, method, request_serializer=None, response_deserializer=None, **kwargs):
        self._interceptor.use_serializer(method, request_serializer)
        return self._channel.unary_unary(method, request_serializer, response_deserializer, **kwargs)

    def unary_stream(self, method, request_serializer=None, response_deserializer=None, **kwargs):
        self._interceptor.use_serializer(method, request_serializer)
        return self._channel.unary_stream(method, request_serializer, response_deserializer, **kwargs)

    def stream_unary(self, method, request_serializer=None, response_deserializer=None, **kwargs):
        self._interceptor.use_serializer(method, request_serializer)
        return self._channel.stream_unary(method, None, response_deserializer, **kwargs)

    def stream_stream(self, method, request_serializer=None, response_deserializer=None, **kwargs):
        self._interceptor.use_serializer(method, request_serializer)
        return self._channel.stream_stream(method, None, response_deserializer, **kwargs)

    def close(self):
        self._channel.close()

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc_val, exc_tb):
        self._channel.close()
        return False


def intercept_channel(channel: grpc.Channel, signer: Signer, authority: str, *,
                      request_serializer: Callable[[Any], bytes] | None = None) -> grpc.Channel:
    """``channel`` with every call signed by ``signer`` for ``authority`` (which the channel must
    send: option ``grpc.default_authority``). For a version-2 signer, its stream multi-callables
    serialize in the interceptor and send envelopes, generated stubs included."""
    interceptor = SigningInterceptor(signer, authority, request_serializer)
    intercepted = grpc.intercept_channel(channel, interceptor)
    return _EnvelopingChannel(intercepted, interceptor) if interceptor.signs_every_message else intercepted


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
    by ``signer`` (with version 2 for streaming requests if the signer signs every message; see
    :func:`intercept_channel`). Retries are off: a retried call would reuse an accepted nonce."""
    channel = grpc.secure_channel(
        target,
        credentials,
        options=[*options, ("grpc.default_authority", authority), ("grpc.enable_retries", 0)],
    )
    return intercept_channel(channel, signer, authority, request_serializer=request_serializer)
