package io.keygate.gateway.dataplane;

/**
 * What the data plane holds at one moment, against its limits: every figure returns to zero once
 * the calls have ended.
 *
 * @param unauthenticatedCalls calls between their headers and their first message
 * @param unauthenticatedBytes first-message bytes those calls draw from the node's budget
 * @param keyedCalls authenticated calls open, each holding a place of its AccessKey
 * @param apiCalls calls open (authenticated, or of an API without authentication), each holding a
 *     place of its API
 */
public record DataPlaneLoad(
    int unauthenticatedCalls, long unauthenticatedBytes, int keyedCalls, int apiCalls) {}
