package io.keygate.gateway.credentials;

import io.keygate.hsm.KekId;
import io.keygate.hsm.WrappedMacKeys;

/** What a node with a key hierarchy issues with: the HSM's wrapped keys and the current KEK. */
public record WrappedIssuance(WrappedMacKeys keys, KekId issuingKek) {}
