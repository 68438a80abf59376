package io.keygate.gateway.dataplane.archviolation;

import io.keygate.gateway.admin.api.AdminService;

/**
 * Deliberately breaks the map (only ever imported by ModuleMapTest): a data-plane-looking class
 * that reaches into the admin plane. It sits under the dataplane package so the rule applies.
 */
public final class DataPlaneCallingAdmin {
  private DataPlaneCallingAdmin() {}

  public static String reach(AdminService admin) {
    return admin.toString();
  }
}
