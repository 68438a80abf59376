"""keygate_client: signs gRPC calls to a Keygate gateway (docs/signature-spec.md).

    from keygate_client import Signer, secure_channel
    signer = Signer(access_key, open(secret_file).read())
    channel = secure_channel("gw.example:443", grpc.ssl_channel_credentials(ca_pem),
                             signer, authority="api.tenant-a.example:443")

The signer (keygate_client.signer) uses the standard library only; importing the interceptor
needs grpcio (Debian: python3-grpcio).
"""

from .signer import (
    CONTENT_SHA256,
    EMPTY_SHA256,
    ERROR_CODE,
    REQUEST_ID,
    Signature,
    Signer,
    SigningError,
    sha256_hex,
    string_to_sign,
)

__all__ = [
    "CONTENT_SHA256", "EMPTY_SHA256", "ERROR_CODE", "REQUEST_ID", "Signature", "Signer", "SigningError",
    "sha256_hex", "string_to_sign", "SigningInterceptor", "secure_channel",
]


def __getattr__(name):
    # The interceptor needs grpcio; the signer alone does not.
    if name in ("SigningInterceptor", "secure_channel"):
        from . import interceptor

        return getattr(interceptor, name)
    raise AttributeError(name)
