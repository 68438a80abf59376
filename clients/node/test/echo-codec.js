'use strict';
// keygate.demo.v1.EchoRequest / EchoResponse encoded by hand, so the tests need no generated
// stubs and no protobuf library: EchoRequest{message = 1 (string)} is the bytes 0x0a, the varint
// length, then the UTF-8 text. Only what the tests use is handled.

function varint(n) {
  const out = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  out.push(n);
  return Buffer.from(out);
}

/** EchoRequest{message}: field 1, wire type 2 (length-delimited). */
function encodeEchoRequest(message) {
  const text = Buffer.from(message, 'utf8');
  return Buffer.concat([Buffer.from([0x0a]), varint(text.length), text]);
}

/** Fields of an EchoResponse: message (1), backend (3) as strings, index (4); others skipped. */
function decodeEchoResponse(bytes) {
  const out = { message: '', backend: '', index: 0 };
  let i = 0;
  const readVarint = () => {
    let n = 0;
    let shift = 0;
    for (;;) {
      const b = bytes[i++];
      n += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return n;
      shift += 7;
    }
  };
  while (i < bytes.length) {
    const tag = readVarint();
    const field = Math.floor(tag / 8);
    const wireType = tag % 8;
    if (wireType === 2) {
      const len = readVarint();
      const value = bytes.subarray(i, i + len);
      i += len;
      if (field === 1) out.message = value.toString('utf8');
      if (field === 3) out.backend = value.toString('utf8');
    } else if (wireType === 0) {
      const v = readVarint();
      if (field === 4) out.index = v;
    } else {
      throw new Error(`unexpected wire type ${wireType}`);
    }
  }
  return out;
}

const ECHO_PATH = '/keygate.demo.v1.EchoService/Echo';
const COLLECT_PATH = '/keygate.demo.v1.EchoService/Collect';

module.exports = { encodeEchoRequest, decodeEchoResponse, ECHO_PATH, COLLECT_PATH };
