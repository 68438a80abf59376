package io.keygate.gateway.dataplane;

import io.keygate.gateway.config.ConfigSnapshot;
import io.keygate.gateway.config.SnapshotRefresher;
import java.time.Duration;

/** The configuration as the hot path sees it: the current snapshot and how fresh it is. */
public interface ConfigView {
  ConfigSnapshot current();

  /** True when the snapshot could not be confirmed current for longer than {@code max}. */
  boolean isStale(Duration max);

  /** The view kept current by a refresher polling the config store. */
  static ConfigView of(SnapshotRefresher refresher) {
    return new ConfigView() {
      @Override
      public ConfigSnapshot current() {
        return refresher.current();
      }

      @Override
      public boolean isStale(Duration max) {
        return refresher.isStale(max);
      }
    };
  }
}
