"""keygate.demo.v1.EchoRequest / EchoResponse encoded by hand, so the tests and live_call.py need
no generated stubs and no protobuf library. Only what they use is handled."""


def _varint(n: int) -> bytes:
    out = bytearray()
    while n > 0x7F:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def encode_echo_request(message: str) -> bytes:
    """EchoRequest{message}: field 1, wire type 2 (length-delimited): 0x0a, varint length, UTF-8."""
    text = message.encode("utf-8")
    return b"\x0a" + _varint(len(text)) + text


def decode_echo_response(data: bytes) -> dict:
    """message (1) and backend (3) as strings, index (4); other fields skipped."""
    out = {"message": "", "backend": "", "index": 0}
    i = 0

    def read_varint():
        nonlocal i
        n = shift = 0
        while True:
            b = data[i]
            i += 1
            n |= (b & 0x7F) << shift
            if b < 0x80:
                return n
            shift += 7

    while i < len(data):
        tag = read_varint()
        field, wire_type = tag >> 3, tag & 7
        if wire_type == 2:
            length = read_varint()
            value = data[i:i + length]
            i += length
            if field in (1, 3):
                out["message" if field == 1 else "backend"] = value.decode("utf-8")
        elif wire_type == 0:
            value = read_varint()
            if field == 4:
                out["index"] = value
        else:
            raise ValueError(f"unexpected wire type {wire_type}")
    return out
