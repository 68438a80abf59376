package io.keygate.admin.remote;

import io.grpc.ManagedChannel;

/**
 * Opens a channel to the admin API. The CLI uses {@link NettyAdminChannels} (mTLS); tests pass an
 * in-process channel to a fake server so the verbs' parsing and output are tested without the
 * gateway (keystore-admin must not depend on it).
 */
@FunctionalInterface
public interface AdminChannelFactory {
  ManagedChannel open(AdminEndpoint endpoint) throws Exception;
}
