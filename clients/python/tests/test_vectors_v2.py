"""Walks every case of the shared version-2 message vectors (xca-messages-v2.json, made by an
independent script) and collects all failures before asserting."""

import base64
import json
import pathlib
import unittest

from keygate_client.signer import SIGNATURE_HEADERS, SIGNATURE_VERSION, Signature, Signer, SigningError, sha256_hex
from tests.message_chain import verify_chain

# Read from where the project keeps them, never copied: the vectors have one home.
VECTORS = (pathlib.Path(__file__).resolve().parents[3]
           / "client-sdk" / "src" / "test" / "resources" / "vectors" / "xca-messages-v2.json")
V = json.loads(VECTORS.read_text(encoding="utf-8"))


def v2_signature(signature_base64):
    return Signature(((("x-ca-signature", signature_base64),)), "", 2)


class MessageVectorTest(unittest.TestCase):
    def test_sign_reproducesTheCallSignaturesOfTheMessageVectors(self):
        failures = []
        signer = Signer(V["access_key"], V["cases"][0]["secret_base64"], sign_every_message=True)
        for call in V["calls"]:
            s = signer.sign_at(V["path"], V["authority"], sha256_hex(bytes.fromhex(call["first_message_hex"])),
                               V["timestamp_ms"], call["nonce"])
            headers = dict(s.headers)
            if s.string_to_sign != call["string_to_sign"]:
                failures.append(f"{call['nonce']}: string-to-sign differs")
            if s.signature_base64 != call["signature_base64"]:
                failures.append(f"{call['nonce']}: signature differs")
            if headers[SIGNATURE_HEADERS] != call["signature_headers"] or headers.get(SIGNATURE_VERSION) != "2":
                failures.append(f"{call['nonce']}: headers differ")
        self.assertEqual([], failures)
        self.assertEqual(2, len(V["calls"]))

    def test_envelopes_sealEveryCasesPayloadsIntoItsEnvelopesAndEndMarker(self):
        failures = []
        for c in V["cases"]:
            envelopes = Signer(V["access_key"], c["secret_base64"], sign_every_message=True).envelopes(
                v2_signature(c["call_signature_base64"]))
            made = [envelopes.seal(bytes.fromhex(p)).hex() for p in c["payloads_hex"]] + [envelopes.end().hex()]
            if made != c["envelopes_hex"]:
                failures.append(f"{c['id']}: envelopes differ")
            with self.assertRaisesRegex(ValueError, "nothing after it"):
                envelopes.seal(b"x")
        self.assertEqual([], failures)
        self.assertEqual(21, len(V["cases"]))

    def test_verifierFromSection13_4_acceptsTheClientsEnvelopes_andRefusesEveryAttack(self):
        failures = []
        for c in V["cases"]:
            secret = base64.b64decode(c["secret_base64"])
            r = verify_chain(secret, c["call_signature_base64"], [bytes.fromhex(h) for h in c["received_hex"]],
                             c["half_close"])
            if (r["expected"], r["refused_at"]) != (c["expected"], c.get("refused_at")):
                failures.append(f"{c['id']}: {r['expected']} at {r['refused_at']}")
            if [b.hex() for b in r["forwarded"]] != c["forwarded_hex"]:
                failures.append(f"{c['id']}: forwarded differs")
            mine = verify_chain(secret, c["call_signature_base64"], [bytes.fromhex(h) for h in c["envelopes_hex"]], True)
            if mine["expected"] != "valid":
                failures.append(f"{c['id']}: the conforming envelopes are refused")
        self.assertEqual([], failures)

    def test_envelopes_areOnlyForAVersion2Call(self):
        v1 = Signer("AK1", bytes(range(32)))
        s = v1.sign("/p.S/M", "h")
        self.assertEqual(1, s.signature_version)
        self.assertNotIn(SIGNATURE_VERSION, dict(s.headers))
        with self.assertRaisesRegex(SigningError, "sign_every_message"):
            v1.envelopes(s)
        with self.assertRaisesRegex(SigningError, "version 1, or version 2"):
            v1.sign("/p.S/M", "h", signature_version=2)
        with self.assertRaisesRegex(SigningError, "reserved"):
            Signer("AK1", bytes(range(32)), extra_signed_headers={SIGNATURE_VERSION: "2"})
        self.assertNotIn(bytes(range(32)).hex(), repr(Signer("AK1", bytes(range(32)), sign_every_message=True)
                                                       .envelopes(Signer("AK1", bytes(range(32)), sign_every_message=True)
                                                                  .sign("/p.S/M", "h"))))


if __name__ == "__main__":
    unittest.main()
