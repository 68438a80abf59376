"""keygate_client: signs gRPC calls to a Keygate gateway (docs/signature-spec.md).

    from keygate_client import Signer, secure_channel
    signer = Signer(access_key, open(secret_file).read())
    channel = secure_channel("gw.example:443", grpc.ssl_channel_credentials(ca_pem),
                             signer, authority="api.tenant-a.example:443")

Signature version 2 (every request message of a stream signed): ``Signer(..., sign_every_message=True)``.

The signer (keygate_client.signer) uses the standard library only; importing the interceptor
needs grpcio (Debian: python3-grpcio).
"""

from .signer import (
    CONTENT_SHA256,
    EMPTY_SHA256,
    ERROR_CODE,
    REQUEST_ID,
    SIGNATURE_VERSION,
    Signature,
    Signer,
    SigningError,
    sha256_hex,
    string_to_sign,
)
from .envelopes import ENVELOPE_OVERHEAD, Envelopes

__all__ = [
    "CONTENT_SHA256", "EMPTY_SHA256", "ERROR_CODE", "REQUEST_ID", "Signature", "Signer", "SigningError",
    "sha256_hex", "string_to_sign", "SigningInterceptor", "secure_channel", "intercept_channel",
    "SIGNATURE_VERSION", "Envelopes", "ENVELOPE_OVERHEAD",
]


def __getattr__(name):
    # The interceptor needs grpcio; the signer alone does not.
    if name in ("SigningInterceptor", "secure_channel", "intercept_channel"):
        from . import interceptor

        return getattr(interceptor, name)
    raise AttributeError(name)
