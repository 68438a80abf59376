"""Walks every case of the shared X-Ca vectors (made by an independent script) and collects all
failures before asserting, so one run shows every disagreement."""

import json
import pathlib
import unittest

from keygate_client.signer import CONTENT_SHA256, SIGNATURE_HEADERS, TIMESTAMP, NONCE, Signer, SigningError, sha256_hex

# Read from where the project keeps them, never copied: the vectors have one home.
VECTORS = (pathlib.Path(__file__).resolve().parents[3]
           / "client-sdk" / "src" / "test" / "resources" / "vectors" / "xca-signature-v1.json")
SECRET = "lapzkH01Bu+LAAnkWSOQrhuyLjxxZjMtJ4rfGHakw1M="


def sign(c):
    signer = Signer(c["access_key"], c["secret_base64"], extra_signed_headers=c["extra_signed_headers"])
    return signer.sign_at(c["path"], c["authority"], sha256_hex(bytes.fromhex(c["body_hex"])),
                          c["timestamp_ms"], c["nonce"])


def names(header_list):
    return set(header_list.split(","))


class VectorTest(unittest.TestCase):
    def test_sign_reproducesEveryConformingVector_andNoNonConformingOne(self):
        cases = json.loads(VECTORS.read_text(encoding="utf-8"))["cases"]
        failures = []
        conforming = non_conforming = 0
        for c in cases:
            try:
                produced = sign(c)
            except SigningError:
                produced = None  # the signer refused the inputs
            if c["conforming_signer"]:
                conforming += 1
                if produced is None:
                    failures.append(f"{c['id']}: signer refused conforming inputs")
                else:
                    self._check_conforming(c, produced, failures)
            else:
                non_conforming += 1
                if (produced is not None and produced.string_to_sign == c["string_to_sign"]
                        and produced.signature_base64 == c["signature_base64"]
                        and dict(produced.headers)[SIGNATURE_HEADERS] == c["signature_headers"]):
                    failures.append(f"{c['id']}: signer reproduced a request that breaks the spec")
        self.assertEqual([], failures)
        self.assertGreaterEqual(conforming, 40)
        self.assertGreaterEqual(non_conforming, 20)

    @staticmethod
    def _check_conforming(c, produced, failures):
        headers = dict(produced.headers)
        if produced.string_to_sign != c["string_to_sign"]:
            failures.append(f"{c['id']}: string-to-sign differs:\n{produced.string_to_sign}")
        if produced.signature_base64 != c["signature_base64"]:
            failures.append(f"{c['id']}: signature {produced.signature_base64}")
        if headers[CONTENT_SHA256] != c["content_sha256"]:
            failures.append(f"{c['id']}: content digest differs")
        if names(headers[SIGNATURE_HEADERS]) != names(c["signature_headers"]):
            failures.append(f"{c['id']}: signed header names differ")
        if c["expected"] == "valid":
            # What we would send is what the valid request carries (the list's order may differ).
            sent = {}
            for name, value in c["request"]["metadata"]:
                sent.setdefault(name, value)
            for name, value in produced.headers:
                same = (names(value) == names(sent.get(name, "")) if name == SIGNATURE_HEADERS
                        else value == sent.get(name))
                if not same:
                    failures.append(f"{c['id']}: header {name} differs from the vector's metadata")
        if len(produced.headers) != len(dict(produced.headers)):
            failures.append(f"{c['id']}: a header is repeated")


class SignerTest(unittest.TestCase):
    def test_sign_usesTheClockAndAFreshNoncePerCall(self):
        ticks = iter([1764547198500, 1764547198501])
        signer = Signer("AKvector0000000001", SECRET + "\n", clock=lambda: next(ticks))  # as read from a file
        a = dict(signer.sign("/p.S/M", "Host:1", b"x").headers)
        b = signer.sign("/p.S/M", "Host:1", b"x")
        self.assertEqual("1764547198500", a[TIMESTAMP])
        self.assertEqual("1764547198501", dict(b.headers)[TIMESTAMP])
        self.assertRegex(a[NONCE], r"^[A-Za-z0-9_-]{22}$")
        self.assertNotEqual(a[NONCE], dict(b.headers)[NONCE])
        self.assertTrue(b.string_to_sign.startswith("POST\nhost:1\n"))

    def test_signer_refusesAShortOrMalformedSecret_withoutQuotingIt(self):
        with self.assertRaisesRegex(SigningError, "at least 32 bytes"):
            Signer("AK", bytes(31))
        with self.assertRaises(SigningError) as e:
            Signer("AK", "not*base64*secretvalue")
        self.assertNotIn("secretvalue", str(e.exception))

    def test_signer_doesNotPrintItsSecret(self):
        signer = Signer("AK1", SECRET)
        shown = repr(signer) + str(signer)
        self.assertNotIn(SECRET, shown)
        self.assertNotIn("95aa7390", shown)

    def test_signer_refusesExtraNamesWhoseListWouldPassTheValueLimit(self):
        extras = {f"x-ca-{i:02d}" + "n" * 52: "v" for i in range(12)}
        signer = Signer("AK1", bytes([1]) * 32, extra_signed_headers=extras)
        with self.assertRaisesRegex(SigningError, "longer than 512"):
            signer.sign("/p.S/M", "h")


if __name__ == "__main__":
    unittest.main()
