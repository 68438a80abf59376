"""The interceptor against a real grpcio server in this process (plaintext on loopback): the
server recomputes the signature from what it received, as the gateway does."""

import concurrent.futures
import threading
import unittest

try:
    import grpc
except ImportError as e:  # a clear failure, not a skip: CI must have it
    raise ImportError("grpcio is missing: apt-get install python3-grpcio (and run /usr/bin/python3)") from e

from keygate_client import SigningInterceptor, secure_channel  # noqa: F401  (secure_channel: import check)
from keygate_client.signer import (CONTENT_SHA256, EMPTY_SHA256, KEY, NONCE, SIGNATURE, SIGNATURE_HEADERS,
                                   SIGNATURE_METHOD, TIMESTAMP, Signer, sha256_hex)

from echo_codec import encode_echo_request

SECRET = "lapzkH01Bu+LAAnkWSOQrhuyLjxxZjMtJ4rfGHakw1M="
ECHO = "/keygate.demo.v1.EchoService/Echo"
COLLECT = "/keygate.demo.v1.EchoService/Collect"


class InterceptorTest(unittest.TestCase):
    def setUp(self):
        self.seen = []
        self.lock = threading.Lock()

        def check(context, first_message):
            md = list(context.invocation_metadata())
            values = dict(md)
            # grpcio's public API does not show a server the :authority; the call details do.
            authority = context._rpc_event.call_details.host.decode("ascii")
            extra = {n: values[n] for n in values[SIGNATURE_HEADERS].split(",")
                     if n not in (KEY, TIMESTAMP, NONCE, CONTENT_SHA256)}
            path = context._rpc_event.call_details.method.decode("ascii")
            again = Signer(values[KEY], SECRET, extra_signed_headers=extra).sign_at(
                path, authority, sha256_hex(first_message or b""), values[TIMESTAMP], values[NONCE])
            with self.lock:
                self.seen.append({
                    "authority": authority,
                    "values": values,
                    "repeats": [n for n in values if n.startswith("x-ca-") and [k for k, _ in md].count(n) != 1],
                    "digest_ok": values[CONTENT_SHA256] == sha256_hex(first_message or b""),
                    "signature_ok": again.signature_base64 == values[SIGNATURE],
                })

        def echo(request, context):
            check(context, request)
            return request

        def collect(request_iterator, context):
            messages = list(request_iterator)
            check(context, messages[0] if messages else None)
            return b"".join(messages)

        def chat(request_iterator, context):
            first = True
            for m in request_iterator:
                if first:
                    check(context, m)
                    first = False
                yield m
            if first:
                check(context, None)

        def echo_stream(request, context):
            check(context, request)
            yield request
            yield request

        self.server = grpc.server(concurrent.futures.ThreadPoolExecutor(max_workers=2))
        self.server.add_generic_rpc_handlers([grpc.method_handlers_generic_handler(
            "keygate.demo.v1.EchoService",
            {"Echo": grpc.unary_unary_rpc_method_handler(echo),
             "Collect": grpc.stream_unary_rpc_method_handler(collect),
             "EchoStream": grpc.unary_stream_rpc_method_handler(echo_stream),
             "Chat": grpc.stream_stream_rpc_method_handler(chat)})])
        self.port = self.server.add_insecure_port("127.0.0.1:0")
        self.server.start()
        self.signer = Signer("AKtest", SECRET, extra_signed_headers={"x-ca-stage": "TEST"})

    def tearDown(self):
        self.server.stop(None)

    def channel(self, authority):
        raw = grpc.insecure_channel(f"127.0.0.1:{self.port}", options=[("grpc.default_authority", authority)])
        self.addCleanup(raw.close)
        return grpc.intercept_channel(raw, SigningInterceptor(self.signer, authority))

    def test_unaryCall_carriesTheAuthorityItSigned_andASignatureOverItsMessage(self):
        # No generated stubs: the request is EchoRequest encoded by hand (echo_codec.py).
        echo = self.channel("API.Tenant-A.example:443").unary_unary(ECHO)
        reply = echo(encode_echo_request("hello"), timeout=10,
                     metadata=[(NONCE, "a-stale-copy-that-must-be-replaced")])
        self.assertEqual(encode_echo_request("hello"), reply)
        s = self.seen[0]
        self.assertEqual("API.Tenant-A.example:443", s["authority"])  # sent as given; lower-cased only when signed
        self.assertTrue(s["digest_ok"] and s["signature_ok"], s)
        self.assertEqual([], s["repeats"])
        self.assertEqual("HmacSHA256", s["values"][SIGNATURE_METHOD])
        self.assertEqual("TEST", s["values"]["x-ca-stage"])

    def test_clientStream_isSignedOverItsFirstMessageOnly(self):
        collect = self.channel("localhost").stream_unary(COLLECT)
        collect(iter([encode_echo_request("first"), encode_echo_request("second")]), timeout=10)
        s = self.seen[0]
        self.assertEqual(sha256_hex(encode_echo_request("first")), s["values"][CONTENT_SHA256])
        self.assertTrue(s["signature_ok"], s)

    def test_clientStreamWithoutMessages_isSignedOverZeroBytes(self):
        collect = self.channel("localhost").stream_unary(COLLECT)
        collect(iter([]), timeout=10)
        self.assertEqual(EMPTY_SHA256, self.seen[0]["values"][CONTENT_SHA256])
        self.assertTrue(self.seen[0]["signature_ok"])

    def test_bidiStream_isSignedOverItsFirstMessage_andEchoesEveryOne(self):
        chat = self.channel("localhost").stream_stream("/keygate.demo.v1.EchoService/Chat")
        sent = [encode_echo_request("one"), encode_echo_request("two")]
        self.assertEqual(sent, list(chat(iter(sent), timeout=10)))
        self.assertEqual(sha256_hex(sent[0]), self.seen[0]["values"][CONTENT_SHA256])
        self.assertTrue(self.seen[0]["signature_ok"], self.seen[0])

    def test_serverStream_isSignedOverItsRequest(self):
        stream = self.channel("localhost").unary_stream("/keygate.demo.v1.EchoService/EchoStream")
        self.assertEqual(2, len(list(stream(encode_echo_request("s"), timeout=10))))
        self.assertTrue(self.seen[0]["digest_ok"] and self.seen[0]["signature_ok"], self.seen[0])


if __name__ == "__main__":
    unittest.main()
