'use strict';
// Adapts the signer to @grpc/grpc-js: a client interceptor that signs every call.

const grpc = require('@grpc/grpc-js');
const { EMPTY_SHA256, sha256Hex } = require('./signer');

/** Bytes already serialized by the interceptor, which the wrapped serializer sends unchanged. */
class Serialized {
  constructor(bytes) {
    this.bytes = bytes;
  }
}
/** On a serializer made by `envelopeSerializer`: the application's own serializer. */
const OWN_SERIALIZER = Symbol('keygate.ownSerializer');

/**
 * A request serializer for signature version 2: the application's messages go through
 * `serialize`; the bytes the signing interceptor made (the first message as it hashed it, the
 * envelopes, the end marker) go to the wire unchanged. grpc-js serializes below every
 * interceptor with the serializer the client was made with, so only this lets the interceptor
 * choose the bytes sent.
 *
 * @param {(message: any) => Buffer} serialize the method's own request serializer
 * @returns {(message: any) => Buffer}
 */
function envelopeSerializer(serialize) {
  if (typeof serialize !== 'function') {
    throw new TypeError('envelopeSerializer needs the method\'s request serializer');
  }
  if (serialize[OWN_SERIALIZER]) {
    return serialize;
  }
  const wrapped = (message) => (message instanceof Serialized ? message.bytes : serialize(message));
  wrapped[OWN_SERIALIZER] = serialize;
  return wrapped;
}

/**
 * A service definition (grpc-js generated code's `XxxService`, or proto-loader's
 * `Package.Service.service`) whose methods' request serializers are wrapped by
 * `envelopeSerializer`. Build the client from it to sign its calls with version 2:
 * `new (grpc.makeGenericClientConstructor(envelopingService(def), 'Name'))(target, creds, opts)`.
 * Version-1 calls through such a client are unchanged.
 *
 * @template {Record<string, {requestSerialize: Function}>} S
 * @param {S} service
 * @returns {S}
 */
function envelopingService(service) {
  const out = {};
  for (const [name, method] of Object.entries(service)) {
    out[name] = { ...method, requestSerialize: envelopeSerializer(method.requestSerialize) };
  }
  return out;
}

/**
 * A grpc-js client interceptor that signs each call with `signer`.
 *
 * The signature covers the first request message, and gRPC sends a call's metadata when the
 * call starts, so the interceptor holds the start back until the application sends its first
 * message (or half-closes without one: the digest is then that of zero bytes). grpc-js queues
 * the message and half-close meanwhile, and a response stream's reads wait for the start.
 *
 * Version 1 (the default): the digest is over `requestSerialize(message)`, the method's own
 * serializer, which grpc-js calls again to put the message on the wire: serializers must give
 * the same bytes for the same message twice (protobuf serializers do within one process).
 *
 * Version 2 (a signer made with `signEveryMessage: true`; spec section 13): the client must be
 * built from `envelopingService(...)` (or its methods' serializers wrapped by
 * `envelopeSerializer`), else its calls end `INTERNAL` unsent. Calls whose requests stream
 * (client-streaming and bidi) are signed with version 2: each message is serialized once; the
 * first is hashed and sent as those bytes, every later one is sent in its envelope, and the
 * half-close is preceded by the end marker (unless the call sent no message). Unary and
 * server-streaming calls stay version 1: their one message is the whole request, which version 1
 * already signs, and grpc-js hands a unary call's message and half-close down without waiting
 * for the message to be written, so a second message (the end marker) could not be queued
 * behind it safely. The end marker of a stream is sent from `halfClose`, which grpc-js's
 * writable stream calls only after every write was handed to the transport.
 *
 * `:authority` is chosen here, not left to the channel: each call is sent with `options.host`
 * if the caller set one, else with `authority`, and exactly that string is signed. The TLS
 * server name is the channel's business (its target, or `grpc.ssl_target_name_override`).
 *
 * Do not enable grpc-js retries or hedging (`grpc.enable_retries`, a retry policy in the
 * service config): they resend the same signed metadata, and the gateway refuses a nonce it has
 * already accepted. Retry with a new call.
 *
 * @param {import('./signer').Signer} signer
 * @param {object} options
 * @param {string} options.authority the `:authority` to send and sign, `host` or `host:port`
 *   (the API's domain as registered at the gateway)
 * @returns {grpc.Interceptor}
 */
function signingInterceptor(signer, { authority }) {
  if (typeof authority !== 'string' || authority.length === 0) {
    throw new TypeError('authority is required: the :authority every call is sent and signed with');
  }
  return function signCall(options, nextCall) {
    const callAuthority = options.host ?? authority;
    const definition = options.method_definition;
    // Version 2 for calls whose requests stream; a single request is wholly covered by version 1.
    const everyMessage = signer.signatureVersion === 2 && definition.requestStream === true;
    const ownSerializer = definition.requestSerialize[OWN_SERIALIZER];
    const call = nextCall({ ...options, host: callAuthority });
    // [metadata, listener, next] until the first message or half-close; then null once started,
    // undefined if the call ended before it started (signing failed, or cancelled).
    let pendingStart = null;
    /** Version 2: the envelopes of this call's later messages, once it started with a message. */
    let envelopes = null;

    /** Ends a call that never started the way grpc-js ends a failed call. */
    function failBeforeStart(details) {
      const listener = pendingStart[1];
      pendingStart = undefined;
      listener.onReceiveStatus({ code: grpc.status.INTERNAL, details, metadata: new grpc.Metadata() });
    }

    /** Starts the real call with signed metadata; null if signing failed and the call is over. */
    function startSigned(contentSha256Hex) {
      const [metadata, listener, next] = pendingStart;
      let signature;
      try {
        signature = signer.signDigest({
          path: definition.path, authority: callAuthority, contentSha256Hex, signatureVersion: everyMessage ? 2 : 1,
        });
      } catch (e) {
        failBeforeStart(`Keygate client could not sign the call: ${e.message}`);
        return null;
      }
      pendingStart = null;
      const signed = metadata.clone();
      for (const [name, value] of Object.entries(signature.headers)) {
        signed.set(name, value); // replaces any copy: a repeat would make the gateway refuse the call
      }
      next(signed, listener);
      return signature;
    }

    /** Version 2: one message, serialized once, sent bare (the first) or in its envelope. */
    function sendEveryMessageSigned(message, next) {
      if (!ownSerializer) {
        // Without it, grpc-js would serialize the envelopes as application messages.
        if (pendingStart) {
          failBeforeStart('Keygate client: signature version 2 needs the client built from '
            + 'envelopingService(...) (or an envelopeSerializer) to send its envelopes');
        } else {
          call.cancelWithStatus(grpc.status.INTERNAL, 'Keygate client: no envelopeSerializer');
        }
        return;
      }
      let bytes;
      try {
        bytes = ownSerializer(message);
      } catch (e) {
        const details = `Request message serialization failure: ${e.message}`;
        if (pendingStart) failBeforeStart(details);
        else call.cancelWithStatus(grpc.status.INTERNAL, details);
        return;
      }
      if (pendingStart) {
        const signature = startSigned(sha256Hex(bytes));
        if (!signature) return;
        envelopes = signer.envelopes(signature);
        next(new Serialized(bytes));
      } else {
        next(new Serialized(envelopes.seal(bytes)));
      }
    }

    return new grpc.InterceptingCall(call, {
      start(metadata, listener, next) {
        pendingStart = [metadata, listener, next];
      },
      sendMessage(message, next) {
        if (pendingStart === undefined) {
          return; // signing failed or the call was cancelled before it started
        }
        if (everyMessage) {
          sendEveryMessageSigned(message, next);
          return;
        }
        if (pendingStart) {
          let digest;
          try {
            digest = sha256Hex(definition.requestSerialize(message));
          } catch (e) {
            // grpc-js would fail the same way serializing it; let it report that.
            digest = EMPTY_SHA256;
          }
          if (!startSigned(digest)) {
            return;
          }
        }
        next(message);
      },
      halfClose(next) {
        if (pendingStart && !startSigned(EMPTY_SHA256)) {
          return;
        }
        if (pendingStart === undefined) {
          return;
        }
        if (envelopes) {
          // The signed end (spec 13.2): sent below this interceptor, before the half-close.
          call.sendMessage(new Serialized(envelopes.end()));
        }
        next();
      },
      cancel(next) {
        if (pendingStart) {
          // The real call never started, so it will not tell our listener: we do.
          const listener = pendingStart[1];
          pendingStart = undefined;
          listener.onReceiveStatus({
            code: grpc.status.CANCELLED,
            details: 'Cancelled on client',
            metadata: new grpc.Metadata(),
          });
        }
        next();
      },
    });
  };
}

module.exports = { signingInterceptor, envelopingService, envelopeSerializer };
