#!/usr/bin/env python3
"""Generates the signature version 2 message vectors (docs/signature-spec.md, section 13).

Independent of the Java code: Python's standard library only (hmac, hashlib, base64, struct).
Run from anywhere:

    python3 client-sdk/src/test/resources/vectors/generate_message_vectors.py

It writes the same bytes to client-sdk/src/test/resources/vectors/xca-messages-v2.json and to
gateway-grpc/src/test/resources/vectors/xca-messages-v2.json. Deterministic: every secret, nonce
and payload is derived from a fixed string.
"""

import base64
import hashlib
import hmac
import json
import os
import struct

DATA = 1
END = 2
LABEL = b"keygate-msg-v2\n"


def derived_bytes(label, n=32):
    return hashlib.sha256(("keygate message vectors: " + label).encode("ascii")).digest()[:n]


def b64(data):
    return base64.b64encode(data).decode("ascii")


def echo_request(text):
    # EchoRequest{message: text} as protobuf bytes: field 1, wire type 2, short length.
    raw = text.encode("utf-8")
    assert len(raw) < 128
    return bytes([0x0A, len(raw)]) + raw


SECRET = derived_bytes("secret tenant-a app 1")
OTHER_SECRET = derived_bytes("another app's secret")
KEY = "AKvector0000000001"
PATH = "/keygate.demo.v1.EchoService/Collect"
AUTHORITY = "api.tenant-a.example:443"
TIMESTAMP = "1764547198500"


def sign_call(nonce, first_message):
    """A version-2 call signature, built as in sections 4-5 with x-ca-signature-version signed."""
    digest = hashlib.sha256(first_message).hexdigest()
    signed = {"x-ca-content-sha256": digest, "x-ca-key": KEY, "x-ca-nonce": nonce,
              "x-ca-timestamp": TIMESTAMP, "x-ca-signature-version": "2"}
    lines = ["POST", AUTHORITY.lower(), digest]
    lines += [name + ":" + signed[name] for name in sorted(signed)]
    lines.append(PATH)
    text = "\n".join(lines)
    signature = hmac.new(SECRET, text.encode("utf-8"), hashlib.sha256).digest()
    return {"nonce": nonce, "first_message_hex": first_message.hex(),
            "signature_headers": ",".join(sorted(signed)), "string_to_sign": text,
            "signature_base64": b64(signature)}, signature


def envelope(secret, call_signature, kind, n, payload):
    data = LABEL + call_signature + bytes([kind]) + struct.pack(">Q", n) + hashlib.sha256(payload).digest()
    assert len(data) == 88
    return bytes([kind]) + hmac.new(secret, data, hashlib.sha256).digest() + payload


def sealed(call_signature, payloads, secret=SECRET):
    out = [envelope(secret, call_signature, DATA, i + 1, p) for i, p in enumerate(payloads)]
    out.append(envelope(secret, call_signature, END, len(payloads) + 1, b""))
    return out


CALL_A, SIG_A = sign_call("NonceForCallA-000000001", echo_request("order/0 pay 1 EUR to bob"))
CALL_B, SIG_B = sign_call("NonceForCallB-000000002", echo_request("order/0 pay 2 EUR to carol"))
P1 = echo_request("order/1 from account A")
P2 = echo_request("order/2 confirm")
E = sealed(SIG_A, [P1, P2])  # e1, e2, end(n=3)
EB = sealed(SIG_B, [P1, P2])


def case(cid, comment, call_signature, payloads, received, half_close, expected,
         refused_at=None, forwarded=None):
    c = {"id": cid, "comment": comment, "secret_base64": b64(SECRET),
         "call_signature_base64": b64(call_signature),
         "payloads_hex": [p.hex() for p in payloads],
         "envelopes_hex": [e.hex() for e in sealed(call_signature, payloads)],
         "received_hex": [r.hex() for r in received], "half_close": half_close,
         "expected": expected,
         "forwarded_hex": [f.hex() for f in (forwarded if forwarded is not None else payloads)]}
    if refused_at is not None:
        c["refused_at"] = refused_at
    return c


def cases():
    big = derived_bytes("large payload", 32) * 32  # 1024 bytes
    one = sealed(SIG_A, [P1])
    forged = E[0][:33] + echo_request("order/1 pay 1000000 EUR to mallory")
    kind_changed = bytes([DATA]) + E[2][1:]
    out = [
        case("valid-two-later-messages", "m0 bare (signed by the call), m1 and m2 sealed at n=1, 2, the end marker at n=3",
             SIG_A, [P1, P2], E, True, "valid"),
        case("valid-first-message-only", "nothing after the first message: only the end marker, at n=1",
             SIG_A, [], sealed(SIG_A, []), True, "valid"),
        case("valid-empty-payload", "a later message that serializes to zero bytes: SHA-256 of no bytes",
             SIG_A, [b""], sealed(SIG_A, [b""]), True, "valid"),
        case("valid-1-kib-payload", "a 1024-byte payload: only its digest enters the MAC",
             SIG_A, [big], sealed(SIG_A, [big]), True, "valid"),
        case("valid-open-stream", "messages verified and forwarded; the client has not half-closed yet",
             SIG_A, [P1, P2], E[:2], False, "valid"),
        case("replayed-call-new-tail", "the captured call's first message with an attacker's m1 in the captured envelope",
             SIG_A, [P1, P2], [forged, E[2]], True, "InvalidMessageSignature", 0, []),
        case("dropped-message", "m1 dropped in transit: m2 arrives at place 1",
             SIG_A, [P1, P2], [E[1], E[2]], True, "InvalidMessageSignature", 0, []),
        case("reordered-messages", "m2 before m1",
             SIG_A, [P1, P2], [E[1], E[0], E[2]], True, "InvalidMessageSignature", 0, []),
        case("repeated-message", "m1 sent twice",
             SIG_A, [P1, P2], [E[0], E[0], E[1], E[2]], True, "InvalidMessageSignature", 1, [P1]),
        case("message-from-another-call", "m2 taken from another call of the same key (same payload, same place)",
             SIG_A, [P1, P2], [E[0], EB[1], E[2]], True, "InvalidMessageSignature", 1, [P1]),
        case("end-marker-from-another-call", "the end marker of another call",
             SIG_A, [P1, P2], [E[0], E[1], EB[2]], True, "InvalidMessageSignature", 2, [P1, P2]),
        case("other-secret", "sealed under another app's secret",
             SIG_A, [P1], [sealed(SIG_A, [P1], OTHER_SECRET)[0], one[1]], True, "InvalidMessageSignature", 0, []),
        case("truncated-no-end-marker", "m2 and the end marker dropped; the half-close arrives",
             SIG_A, [P1, P2], [E[0]], True, "StreamTruncated", 1, [P1]),
        case("truncated-first-message-only", "every later message and the end marker dropped",
             SIG_A, [P1, P2], [], True, "StreamTruncated", 0, []),
        case("truncated-end-marker-moved-up", "m2 dropped, the end marker (n=3) arrives at place 2",
             SIG_A, [P1, P2], [E[0], E[2]], True, "InvalidMessageSignature", 1, [P1]),
        case("end-marker-kind-changed", "the end marker's kind byte changed to 1 (a message of no bytes)",
             SIG_A, [P1, P2], [E[0], E[1], kind_changed], True, "InvalidMessageSignature", 2, [P1, P2]),
        case("bare-later-message", "m1 sent without an envelope, as a version-1 client would (kind byte 0x0a)",
             SIG_A, [P1, P2], [P1 + bytes(40), E[1], E[2]], True, "MalformedMessageEnvelope", 0, []),
        case("envelope-too-short", "32 bytes: shorter than kind and MAC",
             SIG_A, [P1], [E[0][:32]], True, "MalformedMessageEnvelope", 0, []),
        case("unknown-kind", "kind 3",
             SIG_A, [P1], [bytes([3]) + E[0][1:]], True, "MalformedMessageEnvelope", 0, []),
        case("end-marker-with-payload", "kind 2 followed by payload bytes",
             SIG_A, [P1], [E[0], one[1] + b"x"], True, "MalformedMessageEnvelope", 1, [P1]),
        case("message-after-end-marker", "a message after the end marker",
             SIG_A, [P1, P2], [E[0], E[1], E[2], E[1]], True, "MalformedMessageEnvelope", 3, [P1, P2]),
    ]
    return out


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.abspath(os.path.join(here, "..", "..", "..", "..", ".."))
    doc = {
        "description": "Keygate signature version 2: envelopes of the request messages after the first "
                       "(docs/signature-spec.md, section 13). Generated by generate_message_vectors.py.",
        "spec_revision": "2.0",
        "access_key": KEY, "path": PATH, "authority": AUTHORITY, "timestamp_ms": TIMESTAMP,
        "calls": [CALL_A, CALL_B],
        "cases": cases(),
    }
    text = json.dumps(doc, indent=2, ensure_ascii=True) + "\n"
    for target in [
        os.path.join(root, "client-sdk", "src", "test", "resources", "vectors", "xca-messages-v2.json"),
        os.path.join(root, "gateway-grpc", "src", "test", "resources", "vectors", "xca-messages-v2.json"),
    ]:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "w", encoding="ascii", newline="\n") as f:
            f.write(text)
        print("wrote", target)


if __name__ == "__main__":
    main()
