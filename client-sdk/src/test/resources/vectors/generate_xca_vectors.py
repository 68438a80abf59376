#!/usr/bin/env python3
"""Generates the X-Ca signature test vectors (docs/signature-spec.md) independently of the Java code.

Uses only the Python standard library (hmac, hashlib, base64), so the vectors are not produced by
the code they test. Run from anywhere:

    python3 client-sdk/src/test/resources/vectors/generate_xca_vectors.py

It writes the same bytes to client-sdk/src/test/resources/vectors/xca-signature-v1.json and to
gateway-grpc/src/test/resources/vectors/xca-signature-v1.json (the gateway's tests cannot see the
client-sdk test resources). The output is deterministic: every secret and nonce is derived from a
fixed string, so re-running produces identical files.
"""

import base64
import hashlib
import hmac
import json
import os
import re
import sys

WINDOW_MS = 300_000
NOW_MS = 1_764_547_200_000  # 2025-12-01T00:00:00Z, the gateway's clock in most cases
REQUIRED_SIGNED = ["x-ca-content-sha256", "x-ca-key", "x-ca-nonce", "x-ca-timestamp"]


def derived_bytes(label, n=32):
    return hashlib.sha256(("keygate xca vectors: " + label).encode("ascii")).digest()[:n]


def b64(data):
    return base64.b64encode(data).decode("ascii")


def nonce_for(label):
    # 16 derived bytes as unpadded base64url: 22 characters from [A-Za-z0-9-_].
    return base64.urlsafe_b64encode(derived_bytes("nonce " + label, 16)).decode("ascii").rstrip("=")


SECRET_A = derived_bytes("secret tenant-a app 1")
SECRET_B = derived_bytes("secret tenant-b app 7")
SECRET_OTHER = derived_bytes("a secret the gateway does not hold")
KEY_A = "AKvector0000000001"
KEY_B = "AKvector0000000002"
KEY_UNKNOWN = "AKvectorUnknown999"
PATH = "/keygate.demo.v1.EchoService/Echo"
AUTHORITY = "api.tenant-a.example:443"
# An EchoRequest{message: "hello keygate"} as protobuf bytes: field 1, wire type 2, length 13.
BODY = bytes([0x0A, 13]) + b"hello keygate"


def string_to_sign(authority, content_sha256, headers, path):
    """headers: (name, value) pairs of the signed headers, in any order."""
    canonical = "\n".join(name + ":" + value for name, value in sorted(headers, key=lambda h: h[0].encode("utf-8")))
    return "POST\n" + authority.lower() + "\n" + content_sha256 + "\n" + canonical + "\n" + path


def hmac_b64(secret, text):
    return b64(hmac.new(secret, text.encode("utf-8"), hashlib.sha256).digest())


def make_case(case_id, comment, expected, *, access_key=KEY_A, secret=SECRET_A, path=PATH,
              authority=AUTHORITY, timestamp=None, nonce=None, extra=None, body=BODY,
              content_sha256=None, signed_names=None, signature_headers=None, conforming=True,
              signing_secret=None, now_ms=None, credential_state="active", replay_of=None,
              mutate=None, request_overrides=None):
    """Signs like a client would, then lets `mutate` change the metadata on its way to the gateway.

    signed_names: the names the client signs (default: the required four plus every extra header).
    signature_headers: the x-ca-signature-headers value as sent (default: signed_names in order).
    """
    timestamp = str(NOW_MS - 1_500) if timestamp is None else timestamp
    nonce = nonce_for(case_id) if nonce is None else nonce
    extra = dict(extra or {})
    content_sha256 = hashlib.sha256(body).hexdigest() if content_sha256 is None else content_sha256
    values = {"x-ca-key": access_key, "x-ca-timestamp": timestamp, "x-ca-nonce": nonce,
              "x-ca-content-sha256": content_sha256}
    values.update(extra)
    if signed_names is None:
        signed_names = REQUIRED_SIGNED + sorted(extra)
    if signature_headers is None:
        signature_headers = ",".join(signed_names)
    sts = string_to_sign(authority, content_sha256, [(n, values[n]) for n in signed_names], path)
    signature = hmac_b64(signing_secret or secret, sts)
    metadata = [["x-ca-key", access_key], ["x-ca-timestamp", timestamp], ["x-ca-nonce", nonce],
                ["x-ca-content-sha256", content_sha256]]
    metadata += [[n, v] for n, v in extra.items()]
    metadata += [["x-ca-signature-method", "HmacSHA256"],
                 ["x-ca-signature-headers", signature_headers],
                 ["x-ca-signature", signature]]
    if mutate:
        metadata = mutate(metadata)
    request = {"path": path, "authority": authority, "first_message_hex": body.hex(),
               "metadata": metadata}
    request.update(request_overrides or {})
    return {
        "id": case_id,
        "comment": comment,
        "access_key": access_key,
        "secret_base64": b64(secret),
        "path": path,
        "authority": authority,
        "timestamp_ms": timestamp,
        "nonce": nonce,
        "extra_signed_headers": extra,
        "body_hex": body.hex(),
        "content_sha256": content_sha256,
        "signature_headers": signature_headers,
        "string_to_sign": sts,
        "signature_base64": signature,
        "conforming_signer": conforming,
        "request": request,
        "now_ms": NOW_MS if now_ms is None else now_ms,
        "credential_state": credential_state,
        "replay_of": replay_of,
        "expected": expected,
    }


# ---- metadata mutations (what happens on the wire after signing) ----

def drop(name):
    return lambda md: [h for h in md if h[0] != name]


def drop_all_x_ca():
    return lambda md: [["user-agent", "grpc-java-netty/1.85.1"]]


def replace(name, value):
    return lambda md: [[n, value if n == name else v] for n, v in md]


def add(name, value):
    return lambda md: md + [[name, value]]


def chain(*fns):
    def run(md):
        for fn in fns:
            md = fn(md)
        return md
    return run


def value_of(md, name):
    return next(v for n, v in md if n == name)


def shuffled(md):
    # A fixed permutation: reversed, so the signature comes first and x-ca-key last.
    return list(reversed(md))


def bad_signature_urlsafe(md):
    sig = value_of(md, "x-ca-signature")
    assert "+" in sig or "/" in sig, "pick a nonce whose signature has + or /"
    return replace("x-ca-signature", sig.replace("+", "-").replace("/", "_"))(md)


def bad_signature_non_canonical(md):
    # The 43rd character of 32 bytes in base64 carries 4 bits of the last byte and 2 unused bits,
    # which canonical base64 (RFC 4648 section 3.5) sets to zero. Setting the lowest one gives
    # another spelling of the same 32 bytes: lenient decoders accept it, the gateway does not.
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    sig = value_of(md, "x-ca-signature")
    odd = sig[:42] + alphabet[alphabet.index(sig[42]) | 1] + sig[43:]
    assert odd != sig and base64.b64decode(odd) == base64.b64decode(sig)
    return replace("x-ca-signature", odd)(md)


def names_for_a_list_of(length):
    """Eight extra names that, with the required four, make an x-ca-signature-headers of `length`.

    The required names and their commas take 54 characters; 6 names of 64 characters and 2 of 33,
    with their commas, take 458 more: 512, the most a header value may hold.
    """
    names = ["x-ca-" + chr(ord("a") + i) + "n" * ((64 if i < 6 else 33) - 6) for i in range(8)]
    names[7] += "n" * (length - 512)
    assert len(",".join(REQUIRED_SIGNED + names)) == length
    return {name: "v" for name in names}


def find_nonce_with_plus_or_slash(prefix):
    for i in range(1000):
        nonce = nonce_for(prefix + str(i))
        probe = make_case("probe", "", "valid", nonce=nonce)
        if "+" in probe["signature_base64"] or "/" in probe["signature_base64"]:
            return nonce
    raise RuntimeError("no nonce found")


def cases():
    c = []
    # ---------------- valid ----------------
    c.append(make_case("valid-unary-basic",
        "A unary call: the four required headers are signed. The worked example in the spec.",
        "valid"))
    c.append(make_case("valid-empty-first-message",
        "A call that half-closes without a message (or whose first message serializes to zero "
        "bytes): the digest is SHA-256 of the empty string.", "valid", body=b""))
    c.append(make_case("valid-extra-signed-stage",
        "An extra x-ca-* header (x-ca-stage) is signed too.", "valid", extra={"x-ca-stage": "RELEASE"}))
    c.append(make_case("valid-header-order-variation",
        "Metadata in a different order, x-ca-signature-headers listed unsorted, unsigned metadata "
        "(user-agent and an unsigned x-ca-* header) present: the string-to-sign sorts by name and "
        "ignores unsigned headers.", "valid", extra={"x-ca-stage": "RELEASE"},
        signed_names=["x-ca-timestamp", "x-ca-stage", "x-ca-nonce", "x-ca-key", "x-ca-content-sha256"],
        mutate=chain(add("user-agent", "grpc-java-netty/1.85.1"), add("x-ca-debug-note", "not signed"),
                     shuffled)))
    c.append(make_case("valid-authority-mixed-case",
        "The :authority is sent with upper-case letters; both sides lower-case it (ASCII only) in "
        "the string-to-sign.", "valid", authority="API.Tenant-A.Example:443"))
    c.append(make_case("valid-multiple-extra-headers-byte-order",
        "Three extra signed headers. Byte-order sorting puts x-ca-key before x-ca-key-epoch (a "
        "prefix sorts first); a value may hold spaces and colons.", "valid",
        extra={"x-ca-stage": "TEST", "x-ca-api-group": "Orders API:v1 (eu)", "x-ca-key-epoch": "2"}))
    c.append(make_case("valid-timestamp-at-past-edge",
        "The timestamp is exactly window_ms before the gateway's clock: still accepted (inclusive).",
        "valid", timestamp=str(NOW_MS - WINDOW_MS)))
    c.append(make_case("valid-timestamp-at-future-edge",
        "The timestamp is exactly window_ms after the gateway's clock: still accepted (inclusive).",
        "valid", timestamp=str(NOW_MS + WINDOW_MS)))
    c.append(make_case("valid-value-512-bytes",
        "A signed header value of exactly 512 bytes, the maximum.", "valid",
        extra={"x-ca-stage": ("S" * 511) + "9"}))
    c.append(make_case("valid-duplicate-unsigned-x-ca-header",
        "An x-ca-* header that is neither required nor signed may repeat: the gateway ignores it.",
        "valid", mutate=chain(add("x-ca-debug-note", "one"), add("x-ca-debug-note", "two"))))
    c.append(make_case("valid-signature-headers-512-characters",
        "Eight extra signed names of 33 to 64 characters: x-ca-signature-headers is exactly 512 "
        "characters, the most a header value may hold. The list is a value like any other.",
        "valid", extra=names_for_a_list_of(512)))
    c.append(make_case("valid-same-nonce-other-access-key",
        "Reuses the nonce of valid-unary-basic with another AccessKey: nonces are remembered per "
        "AccessKey, so this is not a replay.", "valid", access_key=KEY_B, secret=SECRET_B,
        nonce=nonce_for("valid-unary-basic"), replay_of="valid-unary-basic"))

    # ---------------- missing ----------------
    c.append(make_case("missing-signature", "x-ca-signature is absent.",
        "MissingSignatureHeader", mutate=drop("x-ca-signature")))
    c.append(make_case("missing-nonce", "x-ca-nonce is absent (it is mandatory, unlike in peer schemes).",
        "MissingSignatureHeader", mutate=drop("x-ca-nonce")))
    c.append(make_case("missing-content-sha256", "x-ca-content-sha256 is absent.",
        "MissingSignatureHeader", mutate=drop("x-ca-content-sha256")))
    c.append(make_case("missing-signature-method", "x-ca-signature-method is absent.",
        "MissingSignatureHeader", mutate=drop("x-ca-signature-method")))
    c.append(make_case("missing-all-x-ca-headers", "No x-ca-* metadata at all: an unsigned call.",
        "MissingSignatureHeader", mutate=drop_all_x_ca()))

    # ---------------- malformed: duplicates, characters, lengths ----------------
    c.append(make_case("duplicate-timestamp",
        "x-ca-timestamp appears twice (a second, different value was added in transit).",
        "MalformedSignatureHeader", mutate=add("x-ca-timestamp", str(NOW_MS))))
    c.append(make_case("duplicate-signature", "x-ca-signature appears twice with the same value.",
        "MalformedSignatureHeader", mutate=lambda md: add("x-ca-signature", value_of(md, "x-ca-signature"))(md)))
    c.append(make_case("duplicate-signed-extra-header", "The signed header x-ca-stage appears twice.",
        "MalformedSignatureHeader", extra={"x-ca-stage": "RELEASE"}, mutate=add("x-ca-stage", "TEST")))
    c.append(make_case("non-ascii-signed-value",
        "A signed value holds a non-ASCII character (U+00E9). A conforming signer refuses it.",
        "MalformedSignatureHeader", extra={"x-ca-stage": "R\u00e9lease"}, conforming=False))
    c.append(make_case("control-character-in-signed-value",
        "A signed value holds a TAB (0x09), outside 0x20-0x7E.", "MalformedSignatureHeader",
        extra={"x-ca-stage": "RE\tLEASE"}, conforming=False))
    c.append(make_case("leading-space-in-signed-value",
        "A signed value starts with a space; HTTP/2 forbids leading/trailing whitespace in field "
        "values, so proxies may strip it.", "MalformedSignatureHeader",
        extra={"x-ca-stage": " RELEASE"}, conforming=False))
    c.append(make_case("empty-signed-value", "A signed header with an empty value.",
        "MalformedSignatureHeader", extra={"x-ca-stage": ""}, conforming=False))
    c.append(make_case("signed-value-513-bytes", "A signed header value one byte over the 512-byte limit.",
        "MalformedSignatureHeader", extra={"x-ca-stage": "S" * 513}, conforming=False))
    c.append(make_case("access-key-513-bytes",
        "An x-ca-key of 513 bytes: malformed, checked before the AccessKey is looked up.",
        "MalformedSignatureHeader", access_key="K" * 513, conforming=False, credential_state="unknown"))

    # ---------------- malformed: individual header formats ----------------
    c.append(make_case("signature-not-base64", "x-ca-signature is not base64.",
        "MalformedSignatureHeader", mutate=replace("x-ca-signature", "not*base64*at*all")))
    c.append(make_case("signature-wrong-length",
        "x-ca-signature is base64 of 20 bytes (an HMAC-SHA1 length), not 32.",
        "MalformedSignatureHeader", mutate=replace("x-ca-signature", b64(derived_bytes("sha1-like", 20)))))
    c.append(make_case("signature-without-padding",
        "The right signature with its trailing '=' removed: only padded standard base64 is accepted.",
        "MalformedSignatureHeader", mutate=lambda md: replace("x-ca-signature", value_of(md, "x-ca-signature").rstrip("="))(md)))
    c.append(make_case("signature-url-safe-alphabet",
        "The right signature written in the URL-safe base64 alphabet (- and _): only the standard "
        "alphabet is accepted.", "MalformedSignatureHeader",
        nonce=find_nonce_with_plus_or_slash("urlsafe"), mutate=bad_signature_urlsafe))
    c.append(make_case("signature-non-canonical-base64",
        "The right 32 bytes, but the last base64 character before '=' has a non-zero unused bit "
        "(a lenient decoder gives the same bytes): only the canonical encoding is accepted.",
        "MalformedSignatureHeader", mutate=bad_signature_non_canonical))
    c.append(make_case("signature-method-hmacsha1", "x-ca-signature-method is HmacSHA1.",
        "MalformedSignatureHeader", mutate=replace("x-ca-signature-method", "HmacSHA1")))
    c.append(make_case("signature-method-wrong-case",
        "x-ca-signature-method is hmacsha256: the value is compared exactly.",
        "MalformedSignatureHeader", mutate=replace("x-ca-signature-method", "hmacsha256")))
    c.append(make_case("timestamp-not-a-number",
        "x-ca-timestamp is an ISO-8601 date, not decimal milliseconds.", "MalformedSignatureHeader",
        timestamp="2025-12-01T00:00:00Z", conforming=False))
    c.append(make_case("timestamp-with-leading-zero",
        "x-ca-timestamp has a leading zero: the form is [1-9][0-9]{0,15}.", "MalformedSignatureHeader",
        timestamp="0" + str(NOW_MS), conforming=False))
    c.append(make_case("nonce-too-short", "x-ca-nonce has 15 characters; 16-64 are required.",
        "MalformedSignatureHeader", nonce="abcdefghij12345", conforming=False))
    c.append(make_case("nonce-bad-character", "x-ca-nonce holds '.', outside [A-Za-z0-9-_].",
        "MalformedSignatureHeader", nonce="abcdefgh.ijklmnop", conforming=False))
    c.append(make_case("content-sha256-upper-case",
        "x-ca-content-sha256 is upper-case hex; lower-case is required.", "MalformedSignatureHeader",
        content_sha256=hashlib.sha256(BODY).hexdigest().upper(), conforming=False))
    c.append(make_case("request-without-authority",
        "The gateway saw no :authority (empty): nothing to bind the signature to.",
        "MalformedSignatureHeader", request_overrides={"authority": ""}))

    # ---------------- malformed: the signed-header list ----------------
    c.append(make_case("signature-headers-missing-nonce",
        "x-ca-signature-headers omits x-ca-nonce, which must always be signed.",
        "MalformedSignatureHeader", signed_names=["x-ca-content-sha256", "x-ca-key", "x-ca-timestamp"],
        conforming=False))
    c.append(make_case("signature-headers-missing-content-sha256",
        "x-ca-signature-headers omits x-ca-content-sha256, which must always be signed.",
        "MalformedSignatureHeader", signed_names=["x-ca-key", "x-ca-nonce", "x-ca-timestamp"],
        conforming=False))
    c.append(make_case("signature-headers-lists-absent-header",
        "x-ca-stage is listed (and was signed) but the header was removed in transit.",
        "MalformedSignatureHeader", extra={"x-ca-stage": "RELEASE"}, mutate=drop("x-ca-stage")))
    c.append(make_case("signature-headers-lists-x-ca-signature",
        "x-ca-signature can never be signed.", "MalformedSignatureHeader",
        signature_headers="x-ca-content-sha256,x-ca-key,x-ca-nonce,x-ca-signature,x-ca-timestamp",
        conforming=False))
    c.append(make_case("signature-headers-lists-non-x-ca-header",
        "Only x-ca-* headers can be signed; user-agent is listed.", "MalformedSignatureHeader",
        extra={"user-agent": "grpc-java-netty/1.85.1"}, conforming=False))
    c.append(make_case("signature-headers-with-spaces",
        "The list has a space after each comma: names are separated by ',' only.",
        "MalformedSignatureHeader",
        signature_headers="x-ca-content-sha256, x-ca-key, x-ca-nonce, x-ca-timestamp", conforming=False))
    c.append(make_case("signature-headers-upper-case-name",
        "A listed name is not lower-case.", "MalformedSignatureHeader",
        signature_headers="x-ca-content-sha256,X-Ca-Key,x-ca-nonce,x-ca-timestamp", conforming=False))
    c.append(make_case("signature-headers-duplicate-name",
        "x-ca-key is listed twice.", "MalformedSignatureHeader",
        signed_names=["x-ca-content-sha256", "x-ca-key", "x-ca-key", "x-ca-nonce", "x-ca-timestamp"],
        conforming=False))
    c.append(make_case("signature-headers-empty-entry",
        "The list ends with a comma (an empty name).", "MalformedSignatureHeader",
        signature_headers="x-ca-content-sha256,x-ca-key,x-ca-nonce,x-ca-timestamp,", conforming=False))
    seventeen = {"x-ca-extra-%02d" % i: "v%02d" % i for i in range(1, 14)}
    c.append(make_case("signature-headers-17-names",
        "17 names are listed (the four required plus 13 extra); at most 16 are allowed.",
        "MalformedSignatureHeader", extra=seventeen, conforming=False))

    c.append(make_case("signature-headers-513-characters",
        "Twelve names, each valid and at most 64 characters, whose list is 513 characters: one "
        "over the value limit. A conforming signer refuses to sign them.",
        "MalformedSignatureHeader", extra=names_for_a_list_of(513), conforming=False))

    # ---------------- timestamp window ----------------
    c.append(make_case("timestamp-past-out-of-window",
        "The timestamp is window_ms + 1 before the gateway's clock.", "InvalidTimestamp",
        timestamp=str(NOW_MS - WINDOW_MS - 1)))
    c.append(make_case("timestamp-future-out-of-window",
        "The timestamp is window_ms + 1 after the gateway's clock.", "InvalidTimestamp",
        timestamp=str(NOW_MS + WINDOW_MS + 1)))
    c.append(make_case("timestamp-in-seconds",
        "A client that sends seconds instead of milliseconds: far outside the window.",
        "InvalidTimestamp", timestamp=str(NOW_MS // 1000)))

    # ---------------- body digest ----------------
    c.append(make_case("body-tampered",
        "The first message was changed in transit; x-ca-content-sha256 no longer matches it.",
        "BodyDigestMismatch", request_overrides={"first_message_hex": (bytes([0x0A, 13]) + b"HELLO keygate").hex()}))
    c.append(make_case("body-digest-over-framed-message",
        "A client bug: the digest covers the 5-byte gRPC length prefix too. It must cover only the "
        "serialized message.", "BodyDigestMismatch",
        content_sha256=hashlib.sha256(bytes([0, 0, 0, 0, len(BODY)]) + BODY).hexdigest(), conforming=False))

    # ---------------- signature ----------------
    tampered_body = bytes([0x0A, 13]) + b"HELLO keygate"
    tampered_digest = hashlib.sha256(tampered_body).hexdigest()
    c.append(make_case("body-and-digest-tampered",
        "The first message and x-ca-content-sha256 were both changed consistently: the digest "
        "matches, but x-ca-content-sha256 is signed.", "InvalidSignature",
        mutate=replace("x-ca-content-sha256", tampered_digest),
        request_overrides={"first_message_hex": tampered_body.hex()}))
    c.append(make_case("path-tampered", "Signed for Echo, sent to another method of the same service.",
        "InvalidSignature", request_overrides={"path": "/keygate.demo.v1.EchoService/EchoAdmin"}))
    c.append(make_case("authority-tampered-other-tenant",
        "Signed for tenant A's host, replayed against tenant B's host: the signed :authority "
        "differs.", "InvalidSignature", request_overrides={"authority": "api.tenant-b.example:443"}))
    c.append(make_case("timestamp-tampered",
        "x-ca-timestamp was replaced with a fresher value (still inside the window).",
        "InvalidSignature", mutate=replace("x-ca-timestamp", str(NOW_MS))))
    c.append(make_case("signed-extra-header-tampered",
        "The signed x-ca-stage was changed from RELEASE to TEST.", "InvalidSignature",
        extra={"x-ca-stage": "RELEASE"}, mutate=replace("x-ca-stage", "TEST")))
    c.append(make_case("signed-header-stripped-from-list",
        "x-ca-stage was signed; in transit it was removed from the metadata and from "
        "x-ca-signature-headers.", "InvalidSignature", extra={"x-ca-stage": "RELEASE"},
        mutate=chain(drop("x-ca-stage"),
                     replace("x-ca-signature-headers", ",".join(REQUIRED_SIGNED)))))
    c.append(make_case("signed-with-another-secret",
        "The client signed with a secret the gateway does not hold for this AccessKey. "
        "signature_base64 is that client's signature, not the one secret_base64 gives.",
        "InvalidSignature", signing_secret=SECRET_OTHER, conforming=False))

    # ---------------- credentials ----------------
    c.append(make_case("unknown-access-key", "The gateway has no credential for this AccessKey.",
        "UnknownAccessKey", access_key=KEY_UNKNOWN, secret=SECRET_OTHER, credential_state="unknown"))
    c.append(make_case("revoked-access-key", "The credential was revoked by an officer.",
        "AccessKeyRevokedOrExpired", credential_state="revoked"))
    c.append(make_case("expired-access-key",
        "The credential's notAfter has passed (an old key after rotation).",
        "AccessKeyRevokedOrExpired", credential_state="expired"))

    # ---------------- nonce replay (state: replay_of runs first) ----------------
    c.append(make_case("replayed-nonce",
        "valid-unary-basic sent again 10 s later, byte for byte: the nonce was already accepted.",
        "ReplayedNonce", nonce=nonce_for("valid-unary-basic"), now_ms=NOW_MS + 10_000,
        replay_of="valid-unary-basic"))
    c.append(make_case("replayed-nonce-at-window-edge",
        "valid-unary-basic replayed when its timestamp is exactly at the window edge: the nonce "
        "is still remembered.", "ReplayedNonce", nonce=nonce_for("valid-unary-basic"),
        now_ms=int(NOW_MS - 1_500 + WINDOW_MS), replay_of="valid-unary-basic"))
    c.append(make_case("replayed-after-window",
        "valid-unary-basic replayed 1 ms after its timestamp left the window: the timestamp check "
        "refuses it, so the gateway may forget the nonce by then.", "InvalidTimestamp",
        nonce=nonce_for("valid-unary-basic"), now_ms=int(NOW_MS - 1_500 + WINDOW_MS + 1),
        replay_of="valid-unary-basic"))
    c.append(make_case("nonce-reused-after-bad-signature",
        "path-tampered (an invalid signature) was presented first with this nonce. Nonces are "
        "recorded only after a valid signature, so the genuine request still succeeds.", "valid",
        nonce=nonce_for("path-tampered"), replay_of="path-tampered"))

    # ---------------- check order ----------------
    c.append(make_case("order-missing-before-malformed",
        "x-ca-nonce is missing and x-ca-signature is not base64: presence is checked first.",
        "MissingSignatureHeader", mutate=chain(drop("x-ca-nonce"), replace("x-ca-signature", "!!"))))
    c.append(make_case("order-malformed-before-timestamp",
        "Bad x-ca-signature-method and a timestamp outside the window: format is checked first.",
        "MalformedSignatureHeader", timestamp=str(NOW_MS - WINDOW_MS - 1),
        mutate=replace("x-ca-signature-method", "HmacSHA1")))
    c.append(make_case("order-timestamp-before-body-digest",
        "Timestamp outside the window and a tampered first message: the window is checked first.",
        "InvalidTimestamp", timestamp=str(NOW_MS + WINDOW_MS + 1),
        request_overrides={"first_message_hex": tampered_body.hex()}))
    c.append(make_case("order-unknown-key-before-body-digest",
        "Unknown AccessKey and a tampered first message: the key is checked on the headers alone, "
        "before the gateway reads (and hashes) any message.", "UnknownAccessKey",
        access_key=KEY_UNKNOWN, secret=SECRET_OTHER, credential_state="unknown",
        request_overrides={"first_message_hex": tampered_body.hex()}))
    c.append(make_case("order-revoked-before-signature",
        "Revoked credential and a tampered path: the credential state is checked before the HSM "
        "is asked.", "AccessKeyRevokedOrExpired", credential_state="revoked",
        request_overrides={"path": "/keygate.demo.v1.EchoService/EchoAdmin"}))
    c.append(make_case("order-signature-before-nonce",
        "Reuses the accepted nonce of valid-unary-basic with a tampered path: the signature is "
        "checked before the nonce.", "InvalidSignature", nonce=nonce_for("valid-unary-basic"),
        replay_of="valid-unary-basic", request_overrides={"path": "/keygate.demo.v1.EchoService/EchoAdmin"}))
    return c


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.abspath(os.path.join(here, "..", "..", "..", "..", ".."))
    doc = {
        "description": "Keygate X-Ca signature scheme v1 test vectors (HmacSHA256 over gRPC metadata). "
                       "See docs/signature-spec.md. Generated by generate_xca_vectors.py with Python's "
                       "hmac/hashlib/base64, independently of the Java implementation.",
        "how_to_use": [
            "Signer: from access_key, secret_base64, path, authority, timestamp_ms (the decimal string as "
            "sent), nonce, extra_signed_headers and body_hex, a conforming signer must produce exactly "
            "string_to_sign and signature_base64 when conforming_signer is true. When it is false, the "
            "case shows what a broken client sent; a conforming signer refuses those inputs or produces "
            "something else.",
            "Verifier: present request (path, authority, first_message_hex, metadata: [name, value] pairs "
            "in the order received, repeats allowed) to the gateway whose clock reads now_ms, with a "
            "replay window of window_ms. The gateway holds a credential for access_key with secret "
            "secret_base64 in state credential_state: active, revoked, expired, or unknown (no "
            "credential at all). Expect the result in expected: 'valid' or an x-ca-error-code.",
            "State: each case starts with an empty nonce store, except that when replay_of names an "
            "earlier case, that case is first presented to the same store (at its own now_ms).",
            "string_to_sign is shown with real LF characters (JSON \\n); there is no trailing LF.",
        ],
        "version": 1,
        "window_ms": WINDOW_MS,
        "cases": cases(),
    }
    ids = [case["id"] for case in doc["cases"]]
    assert len(ids) == len(set(ids)), "duplicate case ids"
    for case in doc["cases"]:
        if case["replay_of"]:
            assert case["replay_of"] in ids[:ids.index(case["id"])], case["id"]
    text = json.dumps(doc, indent=2, ensure_ascii=True) + "\n"
    # One metadata pair per line keeps the file readable.
    text = re.sub(r'\[\s+("(?:[^"\\]|\\.)*"),\s+("(?:[^"\\]|\\.)*")\s+\]', r'[\1, \2]', text)
    targets = [
        os.path.join(root, "client-sdk", "src", "test", "resources", "vectors", "xca-signature-v1.json"),
        os.path.join(root, "gateway-grpc", "src", "test", "resources", "vectors", "xca-signature-v1.json"),
    ]
    for target in targets:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "w", encoding="ascii", newline="\n") as f:
            f.write(text)
        print("wrote", os.path.relpath(target, root), "(%d cases)" % len(doc["cases"]), file=sys.stderr)


if __name__ == "__main__":
    main()
