#!/usr/bin/env python3
"""Writes payload-v1.json, the test vectors of docs/payload-encryption.md.

An implementation independent of the Java code (pyca/cryptography's AESGCM):
    python3 generate-payload-vectors.py > payload-v1.json
The key is a fixed TEST key, used only in these vectors. The IVs are fixed so the sealed bytes
can be checked; a real sender draws a fresh random IV for every message.
"""
import json
import struct
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

KEY_ID = "vectors-1"
KEY = bytes(range(32))  # 000102...1f: a TEST key, never a real one
OTHER_ID = "vectors-2"
OTHER = bytes(range(32, 64))

CALL = {
    "direction": "client-to-gateway",
    "method": "/keygate.demo.v1.EchoService/Echo",
    "principal": "AKvectors0000001",
    "timestamp": "1764590400000",
    "nonce": "bm9uY2Utb2YtdGhlLWNhbGw",
}
BACKEND_CALL = {
    "direction": "gateway-to-backend",
    "method": "/keygate.demo.v1.EchoService/Echo",
    "principal": "acme-app",
    "timestamp": "1764590400123",
    "nonce": "req-0001",
}


def aad(call, key_id, counter):
    return "\n".join(["keygate-payload-v1", call["direction"], key_id, str(counter),
                      call["method"], call["principal"], call["timestamp"],
                      call["nonce"]]).encode("ascii")


def envelope(key_id, counter, iv, sealed):
    kid = key_id.encode("ascii")
    return bytes([1, len(kid)]) + kid + struct.pack(">I", counter) + iv + sealed


def seal(key, key_id, call, counter, iv, plaintext):
    return envelope(key_id, counter, iv, AESGCM(key).encrypt(iv, plaintext, aad(call, key_id, counter)))


def iv(n):
    return bytes([0xA0 + n] * 12)


cases = []


def ok(cid, comment, call, counter, plaintext, key=KEY, key_id=KEY_ID, n=0):
    v = iv(n)
    cases.append({
        "id": cid, "comment": comment, "call": call, "expected_counter": counter,
        "iv": v.hex(), "plaintext": plaintext.hex(), "aad": aad(call, key_id, counter).decode(),
        "envelope": seal(key, key_id, call, counter, v, plaintext).hex(), "result": "ok"})


def bad(cid, comment, call, counter, env, code):
    cases.append({"id": cid, "comment": comment, "call": call, "expected_counter": counter,
                  "envelope": env.hex(), "result": code})


hello = bytes.fromhex("0a0568656c6c6f")  # EchoRequest{message: "hello"}
ok("unary-hello", "a unary request, message 0", CALL, 0, hello)
ok("stream-message-3", "the fourth request message of a client stream", CALL, 3, b"\x0a\x03abc", n=1)
ok("empty-message", "a message that serializes to zero bytes: ciphertext is the tag alone", CALL, 0, b"", n=2)
ok("backend-hop", "gateway to backend: principal x-keygate-app, nonce x-keygate-request-id",
   BACKEND_CALL, 0, hello, n=3)
ok("rotated-key", "sealed under the second key of the ring (rotation: both ids open)", CALL, 0, hello,
   key=OTHER, key_id=OTHER_ID, n=4)
ok("kib-message", "a 1 KiB message", CALL, 1, bytes(i % 251 for i in range(1024)), n=5)

good = seal(KEY, KEY_ID, CALL, 0, iv(0), hello)
bad("truncated-to-version", "one byte", CALL, 0, good[:1], "PayloadMalformed")
bad("truncated-tag", "cut to 42 bytes, one short of the shortest envelope with a 9-byte key id", CALL, 0, good[:-1][:2 + 9 + 4 + 12 + 15], "PayloadMalformed")
bad("version-2", "an unknown version", CALL, 0, bytes([2]) + good[1:], "PayloadMalformed")
bad("key-id-length-0", "an empty key id", CALL, 0, bytes([1, 0]) + good[2:], "PayloadMalformed")
bad("key-id-upper-case", "a key id outside [a-z0-9.-]", CALL, 0,
    seal(KEY, "Vectors-1", CALL, 0, iv(0), hello), "PayloadMalformed")
bad("unknown-key-id", "a well-formed key id the ring does not hold", CALL, 0,
    seal(KEY, "vectors-9", CALL, 0, iv(0), hello), "PayloadKeyUnknown")
bad("counter-ahead", "message 1 where message 0 is due (a message dropped or reordered)", CALL, 0,
    seal(KEY, KEY_ID, CALL, 1, iv(0), hello), "PayloadCounterOutOfOrder")
bad("replayed-in-call", "message 0 sent again as the second message", CALL, 1, good,
    "PayloadCounterOutOfOrder")
moved = bytearray(seal(KEY, KEY_ID, CALL, 1, iv(0), hello))
moved[2 + 9 + 3] = 0  # rewrite the counter from 1 to 0: the AAD no longer matches
bad("moved-position", "message 1 with its counter rewritten to 0", CALL, 0, bytes(moved), "PayloadRejected")
bad("moved-call", "message 0 of another call (other nonce) replayed into this one", CALL, 0,
    seal(KEY, KEY_ID, dict(CALL, nonce="YW5vdGhlci1jYWxsLW5vbmNl"), 0, iv(0), hello), "PayloadRejected")
bad("other-access-key", "sealed for another AccessKey's call", CALL, 0,
    seal(KEY, KEY_ID, dict(CALL, principal="AKvectors0000002"), 0, iv(0), hello), "PayloadRejected")
bad("other-method", "sealed for another method", CALL, 0,
    seal(KEY, KEY_ID, dict(CALL, method="/keygate.demo.v1.EchoService/Other"), 0, iv(0), hello),
    "PayloadRejected")
bad("reflected-direction", "a gateway-to-backend message presented as client-to-gateway", CALL, 0,
    seal(KEY, KEY_ID, dict(CALL, direction="gateway-to-backend"), 0, iv(0), hello), "PayloadRejected")
flipped = bytearray(good)
flipped[-1] ^= 1
bad("flipped-tag", "the last tag bit flipped", CALL, 0, bytes(flipped), "PayloadRejected")
flipped = bytearray(good)
flipped[2 + 9 + 4 + 12] ^= 0x80
bad("flipped-ciphertext", "the first ciphertext bit flipped", CALL, 0, bytes(flipped), "PayloadRejected")
bad("wrong-key-same-id", "sealed with another key under this key id", CALL, 0,
    seal(OTHER, KEY_ID, CALL, 0, iv(0), hello), "PayloadRejected")

print(json.dumps({
    "spec": "docs/payload-encryption.md, version 1",
    "comment": "TEST keys only. Each case: open 'envelope' as message 'expected_counter' of 'call' with the ring; 'ok' cases also seal 'plaintext' with 'iv' to exactly 'envelope'.",
    "keys": {KEY_ID: KEY.hex(), OTHER_ID: OTHER.hex()},
    "cases": cases}, indent=2))
