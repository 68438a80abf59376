#!/usr/bin/python3
"""One signed Echo call through a real gateway, for gateway-grpc's OtherLanguageClientsEndToEndTest
and for trying a node by hand:

    /usr/bin/python3 live_call.py --port 8443 --authority localhost:8443 --ca-file gateway.pem \\
        --access-key AK... --secret-file secret.txt [--host localhost] [--message hello]

Prints "OK message=<echoed> backend=<name> request-id=<id>" and exits 0, or prints
"FAILED <STATUS> <x-keygate-error-code> <details>" and exits 1 (2 for bad arguments).

No generated stubs: the channel's generic unary_unary() sends bytes, and EchoRequest is encoded
by hand (echo_codec.py: field 1, string: 0x0a, varint length, UTF-8).
"""

import argparse
import sys

import grpc

from echo_codec import decode_echo_response, encode_echo_request
from keygate_client import ERROR_CODE, REQUEST_ID, Signer, secure_channel

ECHO = "/keygate.demo.v1.EchoService/Echo"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="localhost")
    parser.add_argument("--port", required=True)
    parser.add_argument("--authority", required=True)
    parser.add_argument("--ca-file", required=True)
    parser.add_argument("--access-key", required=True)
    parser.add_argument("--secret-file", required=True)
    parser.add_argument("--message", default="hello from python")
    args = parser.parse_args()

    with open(args.secret_file, encoding="ascii") as f:
        signer = Signer(args.access_key, f.read())  # a trailing newline is allowed
    with open(args.ca_file, "rb") as f:
        credentials = grpc.ssl_channel_credentials(root_certificates=f.read())
    with secure_channel(f"{args.host}:{args.port}", credentials, signer, args.authority) as channel:
        echo = channel.unary_unary(ECHO)  # no serializers: bytes in, bytes out
        try:
            reply, call = echo.with_call(encode_echo_request(args.message), timeout=20)
        except grpc.RpcError as e:
            code = dict(e.trailing_metadata() or ()).get(ERROR_CODE, "-")
            print(f"FAILED {e.code().name} {code} {e.details()}", flush=True)
            return 1
    r = decode_echo_response(reply)
    # Every call's request id (spec revision 2.1): in the trailers whoever ended the call.
    request_id = dict(call.trailing_metadata() or ()).get(REQUEST_ID, "-")
    print(f"OK message={r['message']} backend={r['backend']} request-id={request_id}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
