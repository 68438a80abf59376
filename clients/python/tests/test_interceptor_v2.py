"""Signature version 2 through the interceptor, against a real grpcio server in this process that
checks what arrives as the gateway does: the call signature over the first message (with
x-ca-signature-version signed), then every later message's envelope and the end marker."""

import base64
import concurrent.futures
import threading
import unittest

try:
    import grpc
except ImportError as e:  # a clear failure, not a skip: CI must have it
    raise ImportError("grpcio is missing: apt-get install python3-grpcio (and run /usr/bin/python3)") from e

from keygate_client import intercept_channel
from keygate_client.signer import (CONTENT_SHA256, EMPTY_SHA256, KEY, NONCE, SIGNATURE, SIGNATURE_VERSION,
                                   TIMESTAMP, Signer, sha256_hex)
from tests.message_chain import verify_chain

from echo_codec import encode_echo_request

SECRET = "lapzkH01Bu+LAAnkWSOQrhuyLjxxZjMtJ4rfGHakw1M="
ECHO = "/keygate.demo.v1.EchoService/Echo"
COLLECT = "/keygate.demo.v1.EchoService/Collect"
CHAT = "/keygate.demo.v1.EchoService/Chat"


class VersionTwoInterceptorTest(unittest.TestCase):
    def setUp(self):
        self.seen = []
        self.lock = threading.Lock()

        def record(context, messages):
            values = dict(context.invocation_metadata())
            v2 = values.get(SIGNATURE_VERSION) == "2"
            authority = context._rpc_event.call_details.host.decode("ascii")
            path = context._rpc_event.call_details.method.decode("ascii")
            first = messages[0] if messages else b""
            again = Signer(values[KEY], SECRET, sign_every_message=True).sign_at(
                path, authority, sha256_hex(first), values[TIMESTAMP], values[NONCE],
                signature_version=2 if v2 else 1)
            if v2 and messages:
                chain = verify_chain(base64.b64decode(SECRET), values[SIGNATURE], messages[1:], True)
            else:
                chain = {"expected": "valid" if v2 else "v1", "forwarded": messages[1:]}
            with self.lock:
                self.seen.append({
                    "values": values, "signature_ok": again.signature_base64 == values[SIGNATURE],
                    "chain": chain["expected"], "sent": len(messages),
                    "delivered": messages[:1] + chain["forwarded"],
                })

        def collect(request_iterator, context):
            messages = list(request_iterator)
            record(context, messages)
            return b"ok"

        def chat(request_iterator, context):
            messages = list(request_iterator)
            record(context, messages)
            return iter(())

        def echo(request, context):
            record(context, [request])
            return request

        self.server = grpc.server(concurrent.futures.ThreadPoolExecutor(max_workers=2))
        self.server.add_generic_rpc_handlers([grpc.method_handlers_generic_handler(
            "keygate.demo.v1.EchoService",
            {"Echo": grpc.unary_unary_rpc_method_handler(echo),
             "Collect": grpc.stream_unary_rpc_method_handler(collect),
             "Chat": grpc.stream_stream_rpc_method_handler(chat)})])
        self.port = self.server.add_insecure_port("127.0.0.1:0")
        self.server.start()
        self.signer = Signer("AKtest", SECRET, sign_every_message=True)

    def tearDown(self):
        self.server.stop(None)

    def channel(self, signer=None):
        raw = grpc.insecure_channel(f"127.0.0.1:{self.port}", options=[("grpc.default_authority", "localhost")])
        self.addCleanup(raw.close)
        return intercept_channel(raw, signer or self.signer, "localhost")

    def test_clientStream_sendsTheFirstBare_theRestInEnvelopes_thenTheEndMarker(self):
        # As a generated stub makes it: with the method's request serializer (here: str to bytes).
        collect = self.channel().stream_unary(COLLECT, request_serializer=lambda s: encode_echo_request(s))
        self.assertEqual(b"ok", collect(iter(["pay/0", "pay/1", "pay/2"]), timeout=10))
        s = self.seen[0]
        self.assertEqual("2", s["values"][SIGNATURE_VERSION])
        self.assertIn(SIGNATURE_VERSION, s["values"]["x-ca-signature-headers"].split(","))
        self.assertTrue(s["signature_ok"], s)
        self.assertEqual(("valid", 4), (s["chain"], s["sent"]))  # three messages and the end marker
        self.assertEqual([encode_echo_request(t) for t in ("pay/0", "pay/1", "pay/2")], s["delivered"])

    def test_bidiStream_isChainedTheSameWay_andAUnaryCallStaysVersion1(self):
        channel = self.channel()
        chat = channel.stream_stream(CHAT)  # bytes as they are
        self.assertEqual([], list(chat(iter([encode_echo_request("c/0"), encode_echo_request("c/1")]), timeout=10)))
        # With a stub's serializer: the version-1 digest is over what that serializer makes.
        echo = channel.unary_unary(ECHO, request_serializer=lambda s: encode_echo_request(s))
        self.assertEqual(encode_echo_request("u/0"), echo("u/0", timeout=10))
        self.assertEqual([("valid", 3, True), ("v1", 1, True)],
                         [(s["chain"], s["sent"], s["signature_ok"]) for s in self.seen])
        self.assertEqual("2", self.seen[0]["values"][SIGNATURE_VERSION])
        self.assertNotIn(SIGNATURE_VERSION, self.seen[1]["values"])  # its one message is signed by v1
        self.assertEqual(sha256_hex(encode_echo_request("u/0")), self.seen[1]["values"][CONTENT_SHA256])

    def test_streamWithoutMessages_sendsNoEndMarker_andSignsZeroBytes(self):
        self.channel().stream_unary(COLLECT)(iter(()), timeout=10)
        s = self.seen[0]
        self.assertEqual((0, EMPTY_SHA256, "2"), (s["sent"], s["values"][CONTENT_SHA256], s["values"][SIGNATURE_VERSION]))
        self.assertTrue(s["signature_ok"])

    def test_eachMessage_isSerializedOnce_soTheSignedBytesAreTheBytesSent(self):
        count = []

        def varying(text):  # never the same bytes twice: version 1 would be refused BodyDigestMismatch
            count.append(text)
            return encode_echo_request(f"{text}/{len(count)}")

        collect = self.channel().stream_unary(COLLECT, request_serializer=varying)
        collect(iter(["a", "b"]), timeout=10)
        self.assertEqual(["a", "b"], count)
        self.assertTrue(self.seen[0]["signature_ok"])
        self.assertEqual("valid", self.seen[0]["chain"])

    def test_aVersion1Signer_sendsBareMessages_andNoVersionHeader(self):
        collect = self.channel(Signer("AKtest", SECRET)).stream_unary(COLLECT)
        collect(iter([encode_echo_request("a"), encode_echo_request("b")]), timeout=10)
        s = self.seen[0]
        self.assertNotIn(SIGNATURE_VERSION, s["values"])
        self.assertEqual(("v1", [encode_echo_request("a"), encode_echo_request("b")]), (s["chain"], s["delivered"]))
        self.assertTrue(s["signature_ok"])


if __name__ == "__main__":
    unittest.main()
