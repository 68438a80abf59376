package io.keygate.gateway.dataplane.archviolation;

import javax.sql.DataSource;

/** Deliberately breaks the map (only ever imported by ModuleMapTest): JDBC outside the store. */
public final class DataPlaneReadingJdbc {
  private DataPlaneReadingJdbc() {}

  public static Object read(DataSource source) throws Exception {
    return source.getConnection();
  }
}
