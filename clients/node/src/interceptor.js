'use strict';
// Adapts the signer to @grpc/grpc-js: a client interceptor that signs every call.

const grpc = require('@grpc/grpc-js');
const { EMPTY_SHA256, sha256Hex } = require('./signer');

/**
 * A grpc-js client interceptor that signs each call with `signer`.
 *
 * The signature covers the first request message, and gRPC sends a call's metadata when the
 * call starts, so the interceptor holds the start back until the application sends its first
 * message (or half-closes without one: the digest is then that of zero bytes). grpc-js queues
 * the message and half-close meanwhile, and a response stream's reads wait for the start.
 *
 * The digest is over `requestSerialize(message)`, the method's own serializer, which grpc-js
 * calls again to put the message on the wire: serializers must give the same bytes for the same
 * message twice (protobuf serializers do within one process).
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
    const call = nextCall({ ...options, host: callAuthority });
    // [metadata, listener, next] until the first message or half-close; then null once started,
    // undefined if the call ended before it started (signing failed, or cancelled).
    let pendingStart = null;

    /** Starts the real call with signed metadata; false if signing failed and the call is over. */
    function startSigned(contentSha256Hex) {
      const [metadata, listener, next] = pendingStart;
      pendingStart = null;
      let signature;
      try {
        signature = signer.signDigest({ path: definition.path, authority: callAuthority, contentSha256Hex });
      } catch (e) {
        pendingStart = undefined;
        // The real call never starts; end ours the way grpc-js ends a failed call.
        listener.onReceiveStatus({
          code: grpc.status.INTERNAL,
          details: `Keygate client could not sign the call: ${e.message}`,
          metadata: new grpc.Metadata(),
        });
        return false;
      }
      const signed = metadata.clone();
      for (const [name, value] of Object.entries(signature.headers)) {
        signed.set(name, value); // replaces any copy: a repeat would make the gateway refuse the call
      }
      next(signed, listener);
      return true;
    }

    return new grpc.InterceptingCall(call, {
      start(metadata, listener, next) {
        pendingStart = [metadata, listener, next];
      },
      sendMessage(message, next) {
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
        } else if (pendingStart === undefined) {
          return; // signing failed or the call was cancelled before it started
        }
        next(message);
      },
      halfClose(next) {
        if (pendingStart && !startSigned(EMPTY_SHA256)) {
          return;
        }
        if (pendingStart !== undefined) {
          next();
        }
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

module.exports = { signingInterceptor };
