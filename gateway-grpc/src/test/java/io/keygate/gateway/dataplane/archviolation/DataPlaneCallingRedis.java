package io.keygate.gateway.dataplane.archviolation;

import redis.clients.jedis.UnifiedJedis;

/** Deliberately breaks the map (only ever imported by ModuleMapTest): Redis outside the store. */
public final class DataPlaneCallingRedis {
  private DataPlaneCallingRedis() {}

  public static Object read(UnifiedJedis redis) {
    return redis.get("kg:nonce:{acme/AK1}");
  }
}
