"""A verifier of version-2 message chains written from docs/signature-spec.md section 13.4, for the
tests: it checks what the client sends the way the gateway does (in software here)."""

import base64
import hashlib
import hmac

from keygate_client.envelopes import END, MESSAGE, mac_input


def verify_chain(secret: bytes, signature_base64: str, received: list, half_close: bool) -> dict:
    """Checks the later messages of one call that sent its first message, in arrival order, then
    the half-close. Returns expected (``valid`` or the code), refused_at and forwarded."""
    call_signature = base64.b64decode(signature_base64)
    forwarded = []
    ended = False
    for i, m in enumerate(received):
        kind = m[0] if m else None
        if ended or len(m) < 33 or kind not in (MESSAGE, END) or (kind == END and len(m) != 33):
            return {"expected": "MalformedMessageEnvelope", "refused_at": i, "forwarded": forwarded}
        payload = m[33:]
        mac = hmac.new(secret, mac_input(call_signature, kind, i + 1, payload), hashlib.sha256).digest()
        if not hmac.compare_digest(mac, m[1:33]):
            return {"expected": "InvalidMessageSignature", "refused_at": i, "forwarded": forwarded}
        if kind == END:
            ended = True
        else:
            forwarded.append(payload)
    if half_close and not ended:
        return {"expected": "StreamTruncated", "refused_at": len(received), "forwarded": forwarded}
    return {"expected": "valid", "refused_at": None, "forwarded": forwarded}
