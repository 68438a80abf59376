package io.keygate.gateway.admin.api;

/** One group of the admin API's RPCs, by job; {@link AdminService} binds every group. */
interface AdminRpcs {
  /** Adds a handler for each RPC of this group. */
  void bindTo(AdminRpcTable table);
}
