#!/usr/bin/python3
"""Signed calls through a real gateway, for gateway-grpc's OtherLanguageClientsEndToEndTest and for
trying a node by hand:

    /usr/bin/python3 live_call.py --port 8443 --authority localhost:8443 --ca-file gateway.pem \\
        --access-key AK... --secret-file secret.txt [--host localhost] [--message hello]

One Echo call, signed with version 1. With --collect: one client-streaming Collect call signed with
version 2 (every message chained, spec section 13), one message per --message (repeat it),
through the signing interceptor. With --collect --tamper KIND as well: the same messages made by
the library's signer and envelopes, then changed as an attacker in transit would (KIND: alter,
drop, reorder or truncate; see tamper() below) and sent as raw bytes.

Prints "OK message=<echoed> backend=<name> [index=<messages the backend got, Collect>]
request-id=<id>" and exits 0, or prints "FAILED <STATUS> <x-keygate-error-code> <details>" and exits 1 (2 for bad
arguments).

No generated stubs: the channel's generic multi-callables send bytes, and EchoRequest is encoded
by hand (echo_codec.py: field 1, string: 0x0a, varint length, UTF-8).
"""

import argparse
import sys

import grpc

from echo_codec import decode_echo_response, encode_echo_request
from keygate_client import ERROR_CODE, REQUEST_ID, Signer, secure_channel

ECHO = "/keygate.demo.v1.EchoService/Echo"
COLLECT = "/keygate.demo.v1.EchoService/Collect"
TAMPERING = ("alter", "drop", "reorder", "truncate")


def tamper(kind, wire):
    """The wire messages of a version-2 call (the first bare, the envelopes, the end marker),
    changed in transit. Each needs at least three messages (m0, e1, e2, end)."""
    w = list(wire)
    if kind == "alter":  # the second message's payload changed, its MAC kept
        w[1] = w[1][:33] + encode_echo_request("pay 1000000 EUR to mallory")
    elif kind == "drop":  # the second message dropped
        del w[1]
    elif kind == "reorder":  # the second and third swapped
        w[1], w[2] = w[2], w[1]
    elif kind == "truncate":  # the end marker dropped: the stream looks complete
        del w[-1]
    return w


def tampered_call(args, signer, credentials, messages):
    """The library's own signature and envelopes, changed in transit and sent as raw bytes."""
    signature = signer.sign(COLLECT, args.authority, messages[0])
    envelopes = signer.envelopes(signature)
    wire = [messages[0]] + [envelopes.seal(m) for m in messages[1:]] + [envelopes.end()]
    options = [("grpc.default_authority", args.authority), ("grpc.enable_retries", 0)]
    with grpc.secure_channel(f"{args.host}:{args.port}", credentials, options=options) as channel:
        return channel.stream_unary(COLLECT).with_call(iter(tamper(args.tamper, wire)),
                                                       metadata=list(signature.headers), timeout=20)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="localhost")
    parser.add_argument("--port", required=True)
    parser.add_argument("--authority", required=True)
    parser.add_argument("--ca-file", required=True)
    parser.add_argument("--access-key", required=True)
    parser.add_argument("--secret-file", required=True)
    parser.add_argument("--message", action="append")
    parser.add_argument("--collect", action="store_true")
    parser.add_argument("--tamper", choices=TAMPERING)
    args = parser.parse_args()
    texts = args.message or ["hello from python"]
    if args.tamper and (not args.collect or len(texts) < 3):
        parser.error("--tamper needs --collect and at least three --message")

    with open(args.secret_file, encoding="ascii") as f:
        signer = Signer(args.access_key, f.read(), sign_every_message=args.collect)  # a trailing newline is allowed
    with open(args.ca_file, "rb") as f:
        credentials = grpc.ssl_channel_credentials(root_certificates=f.read())
    messages = [encode_echo_request(t) for t in texts]
    try:
        if args.tamper:
            reply, call = tampered_call(args, signer, credentials, messages)
        else:
            with secure_channel(f"{args.host}:{args.port}", credentials, signer, args.authority) as channel:
                if args.collect:
                    reply, call = channel.stream_unary(COLLECT).with_call(iter(messages), timeout=20)
                else:
                    # no serializers: bytes in, bytes out
                    reply, call = channel.unary_unary(ECHO).with_call(messages[0], timeout=20)
    except grpc.RpcError as e:
        code = dict(e.trailing_metadata() or ()).get(ERROR_CODE, "-")
        print(f"FAILED {e.code().name} {code} {e.details()}", flush=True)
        return 1
    r = decode_echo_response(reply)
    # Every call's request id (spec revision 2.1): in the trailers whoever ended the call.
    request_id = dict(call.trailing_metadata() or ()).get(REQUEST_ID, "-")
    index = f" index={r['index']}" if args.collect else ""  # Collect: how many messages the backend got
    print(f"OK message={r['message']} backend={r['backend']}{index} request-id={request_id}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
